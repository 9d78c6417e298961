"""Sessions in the cache (Redis in production), created with one cache call instead of two.

Django's cache session store picks a fresh key by asking the cache whether a random key `exists()`, then stores
the session with `add()`. `add()` is atomic (SET NX) and `create()` already retries with a new key when it fails,
so the `exists()` round trip adds nothing but latency to every sign-up.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django.utils.crypto import get_random_string


class SessionStore(CacheSessionStore):
    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)
