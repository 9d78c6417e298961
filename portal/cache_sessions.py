"""Sessions in the cache (Redis in production), created with one cache call instead of two, and honest about outages.

Django's cache session store picks a fresh key by asking the cache whether a random key `exists()`, then stores
the session with `add()`. `add()` is atomic (SET NX) and `create()` already retries with a new key when it fails,
so the `exists()` round trip adds nothing but latency to every sign-up.

Django's store also answers a cache that does not respond with an empty session, which sent people mid-journey
silently back to the start; this one raises SessionStoreUnavailable (portal.outage) instead.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django.core.cache import caches
from django.utils.crypto import get_random_string

from portal.outage import ReportsOutages


class SessionStore(ReportsOutages, CacheSessionStore):
    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

    def load(self) -> dict[str, Any]:
        try:
            session_data = caches[settings.SESSION_CACHE_ALIAS].get(self.cache_key)
        except Exception as exc:
            raise self.unavailable(exc) from None
        if session_data is not None:
            return session_data  # type: ignore[no-any-return]
        self._session_key = None
        return {}
