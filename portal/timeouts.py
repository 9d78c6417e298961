"""How long a database or cache server that stops answering may hold a request.

PostgreSQL (libpq parameters, as strings). Without them the system's TCP defaults decide: about two minutes of SYN
retries for a connect, about fifteen minutes of retransmissions for a query on a connection whose server vanished
without a reset (a failover, a dropped NAT entry), two hours before keepalive notices an idle one, and no limit at
all for a server that accepts the connection and never answers. All far beyond gunicorn's 30 s worker timeout, so
one silent database got workers killed mid-sign-up instead of the portal carrying on without it (docs/production.md,
"Threat model"). The settings apply these unless DATABASE_URL sets its own, and the configuration listener
(signup/revision.py) connects with them too. Redis: below.
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


# redis-py's own (socket_connect_timeout, socket_timeout): before redis-py 8 both were "wait forever", which a Redis
# that hangs (a failover, a stalled host) turned into killed workers; 8 made them 5 s. Explicit, so every supported
# version behaves alike: a dead host shows at connect, and a stalled server costs a request at most 5 s per round
# trip before the portal's outage handling answers (portal/outage.py: rate limits fail open, a session that cannot
# be saved is the 503 page).
REDIS_TIMEOUTS: dict[str, float] = {"socket_connect_timeout": 2.0, "socket_timeout": 5.0}


def with_redis_timeouts(options: dict[str, Any]) -> dict[str, Any]:
    """`options` (a CACHES entry's OPTIONS) with every timeout it does not set itself."""
    return {**REDIS_TIMEOUTS, **options}
