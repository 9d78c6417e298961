"""signup.revision without a database server: what the listener's connection asks of the network."""

from __future__ import annotations

from psycopg import conninfo

from portal.timeouts import POSTGRES_TIMEOUTS
from signup import revision


def test_the_listener_asks_for_keepalives_and_timeouts_on_any_connection_string():
    params = conninfo.conninfo_to_dict(revision._with_timeouts("postgres://portal:pw@db.internal:5432/portal"))

    assert params == {
        "user": "portal",
        "password": "pw",
        "host": "db.internal",
        "port": "5432",
        "dbname": "portal",
        **POSTGRES_TIMEOUTS,
    }


def test_an_operators_own_keepalive_options_win():
    dsn = "host=db.internal dbname=portal keepalives_idle=300 keepalives=0"

    params = conninfo.conninfo_to_dict(revision._with_timeouts(dsn))

    assert params["keepalives_idle"] == "300"
    assert params["keepalives"] == "0"
    assert params["keepalives_count"] == "3"


def test_the_listener_connects_with_the_database_urls_own_options_strings_or_numbers():
    settings_dict = {
        "NAME": "portal",
        "USER": "portal",
        "PASSWORD": "",
        "HOST": "db.internal",
        "PORT": 5432,
        "OPTIONS": {"sslmode": "require", "keepalives_idle": 300, "server_side_binding": True, "isolation_level": 2},
    }

    params = conninfo.conninfo_to_dict(revision._with_timeouts(revision.conninfo_from(settings_dict)))

    assert params["sslmode"] == "require"
    assert params["keepalives_idle"] == "300"  # the operator's, not ours
    assert params["connect_timeout"] == POSTGRES_TIMEOUTS["connect_timeout"]
    assert "password" not in params
    assert not {"server_side_binding", "isolation_level"} & set(params)  # Django's own, not libpq's
