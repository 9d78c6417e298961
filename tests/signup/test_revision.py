"""signup.revision without a database server: what the listener's connection asks of the network."""

from __future__ import annotations

from psycopg import conninfo

from signup import revision


def test_the_listener_asks_for_tcp_keepalives_on_any_connection_string():
    params = conninfo.conninfo_to_dict(revision._with_keepalives("postgres://portal:pw@db.internal:5432/portal"))

    assert params == {
        "user": "portal",
        "password": "pw",
        "host": "db.internal",
        "port": "5432",
        "dbname": "portal",
        **revision.LISTENER_KEEPALIVES,
    }


def test_an_operators_own_keepalive_options_win():
    dsn = "host=db.internal dbname=portal keepalives_idle=300 keepalives=0"

    params = conninfo.conninfo_to_dict(revision._with_keepalives(dsn))

    assert params["keepalives_idle"] == "300"
    assert params["keepalives"] == "0"
    assert params["keepalives_count"] == "3"
