"""How long a PostgreSQL server that stops answering may hold a connection (libpq parameters, as strings).

Without them the system's TCP defaults decide: about two minutes of SYN retries for a connect, about fifteen
minutes of retransmissions for a query on a connection whose server vanished without a reset (a failover, a dropped
NAT entry), two hours before keepalive notices an idle one. All far beyond gunicorn's 30 s worker timeout, so one
silent database would get workers killed mid-sign-up instead of the portal carrying on without its database
(docs/production.md, "What the portal withstands"). The settings apply these unless DATABASE_URL sets its own, and
the configuration listener (signup/revision.py) connects with them too.
"""

from __future__ import annotations

from typing import Any

POSTGRES_TIMEOUTS: dict[str, str] = {
    # The whole connection set-up (TCP, TLS, authentication), per address tried.
    "connect_timeout": "3",
    # An idle connection (the listener's, a pooled one) is probed after 20 s of silence, every 5 s, three times.
    "keepalives": "1",
    "keepalives_idle": "20",
    "keepalives_interval": "5",
    "keepalives_count": "3",
    # Data (a query, a keepalive probe) unacknowledged for 10 s closes the connection. Not a query timeout: a
    # server that is working on a slow query has acknowledged it.
    "tcp_user_timeout": "10000",
}


def with_postgres_timeouts(options: dict[str, Any]) -> dict[str, Any]:
    """`options` (a DATABASES entry's OPTIONS) with every timeout it does not set itself."""
    return {**POSTGRES_TIMEOUTS, **options}
