"""portal.timeouts: a PostgreSQL or Redis server that stops answering costs a request seconds, not minutes or forever.

Observed from separate processes running production settings (settings are read once per process).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

from portal.timeouts import POSTGRES_TIMEOUTS, REDIS_TIMEOUTS
from tests.portal.production import in_django, production_env, settings_in

#: A bound on a hang that, without the connect timeout, would never end; not a bound on speed.
HANG_SECONDS = 60


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback port that accepts connections and never says a word (a database or cache that hangs)."""
    with socket.create_server(("127.0.0.1", 0), backlog=8) as server:
        yield server.getsockname()[1]


def _options(variable: str, url: str) -> dict[str, object]:
    """The default database's or cache's OPTIONS in a production process whose `variable` is `url`."""
    setting = "DATABASES" if variable == "DATABASE_URL" else "CACHES"
    return settings_in(production_env(**{variable: url}), setting)[setting]["default"]["OPTIONS"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("variable", "url", "timeouts"),
    [
        ("DATABASE_URL", "postgres://portal:pw@db.internal:5432/portal", POSTGRES_TIMEOUTS),
        ("CACHE_URL", "redis://cache.internal:6379/0", REDIS_TIMEOUTS),
    ],
)
def test_production_settings_bound_every_connection_and_round_trip(variable, url, timeouts):
    options = _options(variable, url)

    assert {name: options[name] for name in timeouts} == timeouts


def test_an_operators_own_values_in_the_database_url_win():
    options = _options("DATABASE_URL", "postgres://portal@db.internal/portal?connect_timeout=10&keepalives_idle=300")

    assert (options["connect_timeout"], options["keepalives_idle"]) == (10, 300)  # django-environ's numbers
    assert options["tcp_user_timeout"] == POSTGRES_TIMEOUTS["tcp_user_timeout"]


def test_an_operators_own_socket_timeout_in_the_cache_url_wins():
    options = _options("CACHE_URL", "redis://cache.internal:6379/0?socket_timeout=0.5")

    assert options["socket_timeout"] == 0.5
    assert options["socket_connect_timeout"] == REDIS_TIMEOUTS["socket_connect_timeout"]


def test_sqlite_gets_none_of_them():
    assert not set(POSTGRES_TIMEOUTS) & set(_options("DATABASE_URL", "sqlite:////tmp/portal-test.sqlite3"))


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="needs a PostgreSQL server: TEST_DATABASE_URL=postgres://...",
)
def test_a_request_connection_carries_the_keepalives_and_user_timeout_to_its_socket():
    keepalive, idle, user_timeout = in_django(
        production_env(DATABASE_URL=os.environ["TEST_DATABASE_URL"]),
        "import socket\nfrom django.db import connection\nconnection.ensure_connection()\n"
        "sock = socket.socket(fileno=connection.connection.fileno())\n"
        "print(json.dumps([sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),"
        " sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),"
        " sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT)]))\nsock.detach()\n",
        timeout=HANG_SECONDS,
    )

    assert keepalive
    assert idle == int(POSTGRES_TIMEOUTS["keepalives_idle"])
    assert user_timeout == int(POSTGRES_TIMEOUTS["tcp_user_timeout"])


@pytest.mark.parametrize(
    ("variable", "url", "setup", "call", "error"),
    [
        (
            "DATABASE_URL",
            "postgres://portal:pw@127.0.0.1:{port}/portal",
            "from django.db import connection",
            "connection.ensure_connection()",
            "OperationalError",
        ),
        (
            "CACHE_URL",
            "redis://127.0.0.1:{port}/0",
            "from django.core.cache import cache",
            "cache.get('x')",
            "TimeoutError",
        ),
    ],
)
def test_a_server_that_never_answers_fails_the_call_instead_of_hanging(
    silent_server, variable, url, setup, call, error
):
    env = production_env(**{variable: url.format(port=silent_server)})

    raised = in_django(
        env,
        f"{setup}\ntry:\n    {call}\nexcept Exception as error:\n    print(json.dumps(type(error).__name__))\n",
        timeout=HANG_SECONDS,
    )

    assert raised == error
