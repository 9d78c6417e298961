"""The configuration revision: one number in the database that every change to the admin-configured form raises.

Each process keeps what it built from the configuration (signup.selectors) together with the revision it was built
at, and compares it with the current revision on every request that uses it, so any change, by any path (admin,
import, shell, another instance), shows on every instance's next request.

How a process learns the current revision:
- PostgreSQL: a thread per process LISTENs on a channel; every change NOTIFYs it with the new number, at commit
  (NOTIFY is transactional), so a request reads a number from memory instead of making a database round trip
  (measured at about 9 % of a sign-up's CPU). The change's own process takes the new number at commit directly.
  While the listener is not connected, every request reads the row, as below. Between notifications the thread
  sleeps in the kernel and runs no Python at all, so it never takes the GIL from the threads serving requests.
  TCP keepalives on its connection notice a database that vanished without closing it within a minute.
- Any other database (SQLite, the default stack): a primary-key read per request; it is a local file, no round trip.
"""

from __future__ import annotations

import logging
import selectors
import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import F

from portal.timeouts import with_postgres_timeouts
from signup.models import ConfigurationRevision

logger = logging.getLogger(__name__)

CHANNEL = "signup_configuration"
_TABLE = ConfigurationRevision._meta.db_table
_READ = f"SELECT revision FROM {_TABLE} WHERE id = 1"  # noqa: S608 (a model's own table name, no input)
_RECONNECT_SECONDS = 1.0


def _read_row() -> int:
    # A raw primary-key read: the ORM would double its cost on a path every sign-up takes.
    with connection.cursor() as cursor:
        cursor.execute(_READ)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


# The string or number OPTIONS that Django or psycopg consume themselves: not connection parameters libpq accepts.
_NOT_LIBPQ = frozenset({"assume_role", "isolation_level", "prepare_threshold"})


def conninfo_from(settings_dict: dict[str, Any]) -> str:
    """A DATABASES entry as a libpq connection string, with its OPTIONS (DATABASE_URL's query: strings or
    numbers)."""
    import psycopg.conninfo

    params = {
        "dbname": settings_dict.get("NAME"),
        "user": settings_dict.get("USER"),
        "password": settings_dict.get("PASSWORD"),
        "host": settings_dict.get("HOST"),
        "port": settings_dict.get("PORT"),
    }
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key not in _NOT_LIBPQ and isinstance(value, (str, int)) and not isinstance(value, bool):
            params[key] = value
    given = {key: value for key, value in params.items() if value not in (None, "")}
    return psycopg.conninfo.make_conninfo("", **given)


def _conninfo() -> str:
    return conninfo_from(connections["default"].settings_dict)


def _with_timeouts(dsn: str) -> str:
    """`dsn` with portal.timeouts' keepalives and timeouts wherever it sets none. The listener only ever reads,
    so a connection that died without a TCP reset would leave it waiting, and its process serving the old form, for
    the system's two-hour keepalive default; the probes (sent by the kernel, no cost to requests) notice within a
    minute. An operator's own options win."""
    import psycopg.conninfo

    params = psycopg.conninfo.conninfo_to_dict(dsn)
    return psycopg.conninfo.make_conninfo("", **with_postgres_timeouts(params))


class _Listener:
    """One LISTENing connection per process (PostgreSQL only), started on first use, reconnecting forever."""

    def __init__(self, conninfo: Callable[[], str] = _conninfo, channel: str = CHANNEL) -> None:
        self.revision: int | None = None  # None: not listening right now, read the row instead
        self._conninfo = conninfo
        self._channel = channel
        self._started = False
        self._stopping = False
        self._lock = threading.Lock()

    def ensure_started(self) -> None:
        if self._started:
            return
        with self._lock:
            if not self._started:
                self._started = True
                threading.Thread(target=self._run, name="signup-revision-listener", daemon=True).start()

    def stop(self) -> None:
        """Tests: end the thread the next time its connection wakes it (a notification or a disconnection)."""
        self._stopping = True

    def _run(self) -> None:
        while not self._stopping:
            try:
                self._listen()
            except Exception as exc:  # any driver or network failure: fall back to reads, then reconnect
                if not self._stopping:
                    logger.warning("signup.revision listener=disconnected error=%s", type(exc).__name__)
            self.revision = None
            if not self._stopping:
                time.sleep(_RECONNECT_SECONDS)

    def _listen(self) -> None:
        import psycopg

        dsn = _with_timeouts(self._conninfo())
        with psycopg.connect(dsn, autocommit=True) as listening, selectors.DefaultSelector() as wake:
            listening.execute(f"LISTEN {self._channel}")
            row = listening.execute(_READ).fetchone()  # after LISTEN: no change can fall in between
            self.revision = int(row[0]) if row else 0
            logger.info("signup.revision listener=connected revision=%s", self.revision)
            wake.register(listening.fileno(), selectors.EVENT_READ)
            while not self._stopping:
                for notify in listening.notifies(timeout=0):  # what has arrived (or was read meanwhile), no wait
                    self.revision = max(self.revision or 0, int(notify.payload or 0))
                # Wait in the kernel until the server sends something: a notification, or the end of the
                # connection (then notifies() raises). psycopg's own wait in notifies() returns to Python every
                # 0.1 s, and each of those wake-ups takes the GIL from the threads serving requests: 10-24 % of
                # a cached form page's CPU in one thread (docs/benchmarks.md).
                wake.select()

    def taken(self, revision: int) -> None:
        if self.revision is not None:
            self.revision = max(self.revision, revision)


_listener = _Listener()


def _listens() -> bool:
    return connection.vendor == "postgresql"


def current_revision() -> int:
    """The configuration's current revision (0 before the first change). Raises DatabaseError when it must read
    the row and the database is down."""
    if _listens():
        _listener.ensure_started()
        if (known := _listener.revision) is not None:
            return known
    return _read_row()


def configuration_changed() -> None:
    """Raise the revision (inside the caller's transaction, if any): every process rebuilds on its next request."""
    with transaction.atomic():
        updated = ConfigurationRevision.objects.filter(id=1).update(revision=F("revision") + 1)
        if not updated:
            ConfigurationRevision.objects.get_or_create(id=1, defaults={"revision": 1})
        revision = _read_row()
        if _listens():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, str(revision)])
        transaction.on_commit(lambda: _listener.taken(revision))


def listener_reset() -> None:
    """Tests: forget what the listener knows (it keeps running and learns again on the next notification)."""
    _listener.revision = None
