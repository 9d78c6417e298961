"""The resend cooldown: at most one code per username every SIGNUP_RESEND_COOLDOWN seconds, in the shared cache.

Kept per username (a keyed hash), not only in the session, so starting over in a fresh session or through
/signup/resume/ does not bypass it. Sending a code first *claims* the next code with an atomic `cache.add`, so of
many parallel requests exactly one sends. Next to the claim the cache keeps, for the code's lifetime, where the
last code went (Cognito's masked destination) and the keyed hash of the address, which the destination rate limits
and the code step after /signup/resume/ use.

A cache that does not answer fails open (logged): the cooldown spares people's inboxes, the page must still work.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from portal import deferred_writes
from signup.cognito import CodeDelivery
from signup.keys import username_digest

logger = logging.getLogger(__name__)

#: How long the last delivery is remembered: as long as a confirmation code is valid.
DELIVERY_MEMORY_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class LastCode:
    """What the cache remembers about the last code sent for a username."""

    sent_at: float
    delivery: CodeDelivery | None
    destination_digest: str


def _memory_key(username: str) -> str:
    return f"signup:last-code:{username_digest(username)}"


def _cooldown() -> int:
    return max(0, int(settings.SIGNUP_RESEND_COOLDOWN))


def seconds_left_after(sent_at: float, *, now: float | None = None) -> int:
    """Whole seconds until the cooldown that started at `sent_at` ends (0: now)."""
    now = time.time() if now is None else now
    return max(0, math.ceil(sent_at + _cooldown() - now))


def seconds_left(username: str) -> int:
    """Seconds until another code may be sent for this username (0: now)."""
    if _cooldown() <= 0:
        return 0
    last = last_code(username)
    return seconds_left_after(last.sent_at) if last else 0


def _claim_key(username: str, last: LastCode | None) -> str:
    # One key per "next code after the last one": parallel requests race for the same key, and a successful send
    # (which moves the last code on) makes the next claim a fresh key. The cache's expiry only cleans up.
    after = int(last.sent_at * 1000) if last else 0
    return f"signup:cooldown:{username_digest(username)}:{after}"


def claim(username: str) -> int:
    """Atomically take the right to send a code now: 0 when taken, else the seconds left of someone's cooldown."""
    cooldown = _cooldown()
    if cooldown <= 0:
        return 0
    last = last_code(username)
    if last is not None and (left := seconds_left_after(last.sent_at)):
        return left
    try:
        if cache.add(_claim_key(username, last), time.time(), timeout=cooldown + 60):
            return 0
    except Exception:
        logger.warning("cooldown.cache_unavailable", exc_info=True)
        return 0
    return cooldown  # another request is sending this username's code right now


def release(username: str) -> None:
    """Give a claim back when no code was sent after all (Cognito failed), so the person can try again at once."""
    try:
        cache.delete(_claim_key(username, last_code(username)))
    except Exception:
        logger.warning("cooldown.cache_unavailable", exc_info=True)


def code_sent(username: str, *, delivery: CodeDelivery | None, destination_digest: str = "") -> float:
    """Record that a code went out now (one cache write): the cooldown runs from here."""
    now = time.time()
    try:
        # Sent with the session at the end of the request (one round trip for both, portal.deferred_writes).
        deferred_writes.set_soon(
            _memory_key(username), LastCode(now, delivery, destination_digest), DELIVERY_MEMORY_SECONDS
        )
    except Exception:
        logger.warning("cooldown.cache_unavailable", exc_info=True)
    return now


def last_code(username: str) -> LastCode | None:
    try:
        value = cache.get(_memory_key(username))
    except Exception:
        logger.warning("cooldown.cache_unavailable", exc_info=True)
        return None
    return value if isinstance(value, LastCode) else None
