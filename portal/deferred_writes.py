"""Cache writes that can wait until the response is ready, sent together with the session in one round trip.

A sign-up writes the session and a couple of small records (where the code went, for the resend cooldown); each is a
Redis round trip, and round trips are most of what a sign-up costs the portal beyond Cognito itself. Writes made
with `set_soon` during a request are held until the session middleware saves the session, which sends them in the
same pipeline (portal.cache_sessions), or on their own when there is no session to save. Outside a request they
are written at once. A write held this way is invisible to other requests for the rest of this one (milliseconds).
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)

# (key, value, timeout, mode: "" always, "nx" only if absent, "xx" if present, "incr" add value to a counter created
# with that timeout)
Write = tuple[str, Any, Any, str]

_pending: contextvars.ContextVar[list[Write] | None] = contextvars.ContextVar("deferred_cache_writes", default=None)


def set_soon(key: str, value: Any, timeout: int) -> None:
    pending = _pending.get()
    if pending is None:
        cache.set(key, value, timeout)
    else:
        pending.append((key, value, timeout, ""))


def incr_soon(key: str, timeout: int, amount: int = 1) -> None:
    """Add to a counter (created with `timeout`) along with the request's other writes: no round trip of its own."""
    pending = _pending.get()
    if pending is not None:
        pending.append((key, amount, timeout, "incr"))
        return
    try:  # outside a request: at once, and best-effort like the held ones
        write([(key, amount, timeout, "incr")])
    except Exception:
        logger.warning("cache.counter_lost", exc_info=True)


def begin() -> contextvars.Token[list[Write] | None]:
    return _pending.set([])


def take() -> list[Write]:
    """The writes held so far (the caller sends them), leaving none held."""
    pending = _pending.get()
    if not pending:
        return []
    taken = list(pending)
    pending.clear()
    return taken


def write(writes: list[Write]) -> list[bool]:
    """Send writes in one round trip where the cache can (portal.cache.RedisCache), else one by one."""
    write_many = getattr(cache, "write_many", None)
    if write_many is not None:
        return list(write_many(writes))
    results = []
    for key, value, timeout, mode in writes:
        if mode == "incr":
            results.append(_incr(key, value, timeout))
        elif mode == "nx":
            results.append(bool(cache.add(key, value, timeout)))
        elif mode == "xx" and not cache.touch(key, timeout):
            results.append(False)
        else:
            cache.set(key, value, timeout)
            results.append(True)
    return results


def _incr(key: str, amount: int, timeout: int) -> bool:
    cache.add(key, 0, timeout)
    try:
        cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout)
    return True


def end(token: contextvars.Token[list[Write] | None]) -> None:
    """Send what is still held (a cache that does not answer loses them, logged: they are best-effort) and stop."""
    try:
        if held := take():
            write(held)
    except Exception:
        logger.warning("cache.deferred_writes_lost count=%s", len(held), exc_info=True)
    finally:
        _pending.reset(token)
