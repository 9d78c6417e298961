"""Fixed-window counters in the default cache: one atomic increment per key, created with its expiry.

With the portal's Redis backend (portal.cache.RedisCache) all the keys of one call go in a single round trip; any
other Django cache backend gets `add` then `incr` per key, both atomic in Redis and in the local-memory cache.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.cache import cache


def hit_many(keys: Sequence[tuple[str, int]]) -> list[int]:
    """Increment each (key, seconds to live) by one and return the new counts, in order."""
    if not keys:
        return []
    increment_many = getattr(cache, "incr_many_with_expiry", None)
    if increment_many is not None:
        return list(increment_many(keys))
    return [_hit(key, seconds) for key, seconds in keys]


def _hit(key: str, seconds: int) -> int:
    cache.add(key, 0, timeout=seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        return 1
