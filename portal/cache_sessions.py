"""Sessions in the cache (Redis in production): one round trip per save, shared with the request's other writes,
and honest about outages.

Django's cache session store picks a fresh key by asking the cache whether a random key `exists()`, then stores the
session with `add()`; and it updates a session by first reading it back to check that it still exists. `add()` is
atomic (SET NX) and `create()` already retries with a new key when it fails, so the `exists()` round trip adds
nothing; SET XX checks existence in the same command as the update. On the portal's Redis backend the save also
carries the writes the request held back (portal.deferred_writes) in the same pipeline.

Django's store also answers a cache that does not respond with an empty session, which sent people mid-journey
silently back to the start; this one raises SessionStoreUnavailable (portal.outage) instead.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django.core.cache import caches

from portal import deferred_writes
from portal.outage import ReportsOutages
from portal.randomness import NewSessionKeys


class SessionStore(ReportsOutages, NewSessionKeys, CacheSessionStore):
    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        backend = caches[settings.SESSION_CACHE_ALIAS]
        if not hasattr(backend, "write_many"):
            return super().save(must_create)
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]
        session = (self.cache_key, data, self.get_expiry_age(), "nx" if must_create else "xx")
        *_, saved = deferred_writes.write([*deferred_writes.take(), session])
        if not saved:
            raise CreateError if must_create else UpdateError
        return None

    def load(self) -> dict[str, Any]:
        try:
            session_data = caches[settings.SESSION_CACHE_ALIAS].get(self.cache_key)
        except Exception as exc:
            raise self.unavailable(exc) from None
        if session_data is not None:
            return session_data
        self._session_key = None
        return {}
