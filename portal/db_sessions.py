"""Sessions in the database (the default stack: no shared cache), honest about outages like portal.cache_sessions.

Why not Django's cached_db here: with the default per-process memory cache each worker would keep its own copy of a
session, and a journey whose steps land on different workers would read a stale one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError

from portal.outage import ReportsOutages
from portal.randomness import NewSessionKeys


class SessionStore(ReportsOutages, NewSessionKeys, DatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        try:
            return super().load()
        except DatabaseError as exc:
            raise self.unavailable(exc) from None
