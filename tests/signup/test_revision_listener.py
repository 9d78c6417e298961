"""signup.revision's LISTEN thread against a real PostgreSQL server (TEST_DATABASE_URL; scripts/test starts one).

Each test gets a database of its own with the revision table, and a listener on a channel of its own, so nothing
here reaches the scale-out tests' instances on the same server.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import conninfo, sql

from signup import revision
from tests.helpers import eventually

DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith(("postgres://", "postgresql://")),
    reason="needs a PostgreSQL server: TEST_DATABASE_URL=postgres://...",
)


def _admin() -> psycopg.Connection:
    return psycopg.connect(DATABASE_URL, autocommit=True)


@pytest.fixture
def database() -> Iterator[str]:
    """A throwaway database holding the revision row at 3; its conninfo."""
    name = f"listener_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = conninfo.make_conninfo(DATABASE_URL, dbname=name)
    with psycopg.connect(dsn, autocommit=True) as owner:
        owner.execute(
            sql.SQL("CREATE TABLE {} (id integer PRIMARY KEY, revision integer)").format(
                sql.Identifier(revision._TABLE)
            )
        )
        owner.execute(sql.SQL("INSERT INTO {} VALUES (1, 3)").format(sql.Identifier(revision._TABLE)))
    yield dsn
    with _admin() as admin:  # WITH (FORCE) ends the listener's connection, which ends a stopped listener
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def channel() -> str:
    return f"signup_configuration_test_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def listener(database: str, channel: str) -> Iterator[revision._Listener]:
    listening = revision._Listener(conninfo=lambda: database, channel=channel)
    listening.ensure_started()
    yield listening
    listening.stop()


def notify(dsn: str, channel: str, payload: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as sender:
        sender.execute("SELECT pg_notify(%s, %s)", [channel, payload])


def test_the_listener_starts_from_the_revision_in_the_row(listener):
    eventually(lambda: listener.revision is not None, "the listener never connected")

    assert listener.revision == 3


def test_a_notification_raises_the_revision_the_listener_knows(listener, database, channel):
    eventually(lambda: listener.revision == 3, "the listener never connected")

    notify(database, channel, "7")

    eventually(lambda: listener.revision == 7, "the notification did not reach the listener")


def test_a_notification_for_an_older_revision_does_not_lower_it(listener, database, channel):
    eventually(lambda: listener.revision == 3, "the listener never connected")

    notify(database, channel, "9")
    eventually(lambda: listener.revision == 9, "the notification did not reach the listener")
    notify(database, channel, "5")
    notify(database, channel, "10")  # sent after the 5: once it is seen, the 5 has been seen too

    eventually(lambda: listener.revision == 10, "the last notification did not reach the listener")


def test_after_the_server_ends_its_connection_the_listener_reads_the_row_again(listener, database):
    eventually(lambda: listener.revision == 3, "the listener never connected")
    with psycopg.connect(database, autocommit=True) as other:
        other.execute(sql.SQL("UPDATE {} SET revision = 12 WHERE id = 1").format(sql.Identifier(revision._TABLE)))
        other.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )

    eventually(lambda: listener.revision == 12, "the listener did not reconnect and read the row")


def test_an_idle_listener_runs_no_python_code(database, channel):
    """psycopg's own wait in notifies() came back to Python every 0.1 s, and each wake-up took the GIL from the
    threads serving requests. Waiting in the kernel, the thread runs nothing until the server sends something."""
    events: list[tuple[str, str]] = []
    listening = revision._Listener(conninfo=lambda: database, channel=channel)

    def count(frame, event, arg):  # installed for the listener's thread only: threading.setprofile
        if threading.current_thread().name == "signup-revision-listener":
            events.append((event, getattr(arg, "__name__", "")))

    threading.setprofile(count)
    try:
        listening.ensure_started()
    finally:
        threading.setprofile(None)  # threads started from now on are not profiled
    try:
        eventually(lambda: listening.revision == 3, "the listener never connected")
        # Inside its wait: the last thing it did was call the selector's poll, which has not returned.
        eventually(lambda: events[-1:] == [("c_call", "poll")], "the listener never reached its wait")
        idle_from = len(events)
        time.sleep(0.6)

        assert events[idle_from:] == []
        notify(database, channel, "4")  # and it still wakes for what matters
        eventually(lambda: listening.revision == 4, "the notification did not reach the listener")
    finally:
        listening.stop()


def test_the_listeners_connection_notices_a_silent_database_within_a_minute(database, channel, monkeypatch):
    """A connection that dies without a reset (a failover) must not leave the listener, and its process's form,
    waiting for the system's two-hour keepalive default: the kernel probes it after 20 s of silence."""
    opened: list[psycopg.Connection] = []
    real_connect = psycopg.connect

    def connect(*args, **kwargs):  # the real connection, kept so its socket can be inspected
        opened.append(real_connect(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(psycopg, "connect", connect)
    listening = revision._Listener(conninfo=lambda: database, channel=channel)
    listening.ensure_started()
    try:
        eventually(lambda: listening.revision == 3, "the listener never connected")
        with socket.socket(fileno=os.dup(opened[0].fileno())) as sock:
            assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
            idle = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)
            interval = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL)
            probes = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT)
            unacknowledged_ms = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT)
    finally:
        listening.stop()

    assert (idle, interval, probes, unacknowledged_ms) == (20, 5, 3, 10000)
    assert idle + min(interval * probes, unacknowledged_ms / 1000) < 60
