"""SIGNUP_UNIFORM_OUTCOME: a username that already exists must look like a new one, for pools whose username is the
email address or phone number (docs/confirmation.md says precisely what this hides and what it cannot).

- The page: an existing username gets the same code step, showing the address as typed.
- The calls: an existing unconfirmed account gets a fresh code (ResendConfirmationCode), a confirmed one nothing.
- The time: both paths are padded to the same typical duration, SignUp's plus a resend's as this process has seen
  them, so the extra call does not show in the response time.
- The code step: a journey for an existing account fails like a wrong code, and locks after as many wrong codes as
  Cognito allows, counted per username in the shared cache (a fresh session does not reset it).
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache

from signup import counters, errors
from signup.cognito import CodeDelivery
from signup.keys import username_digest

logger = logging.getLogger(__name__)

#: Cognito locks a user's confirmation after about five wrong codes; the emulators do the same.
MAX_FAILED_CODES = 5
FAILED_CODES_MEMORY_SECONDS = 60 * 60
_EWMA_WEIGHT = 0.2
_INITIAL_SECONDS = {"sign_up": 0.15, "resend": 0.15}

_typical: dict[str, float] = dict(_INITIAL_SECONDS)
_typical_lock = threading.Lock()
sleep = time.sleep  # tests replace it: they bound the padding asked for, not the wall clock


def enabled() -> bool:
    return bool(settings.SIGNUP_UNIFORM_OUTCOME)


def observe(kind: str, seconds: float) -> None:
    """Learn how long a successful call of `kind` ("sign_up", "resend") takes, as a moving average."""
    bounded = min(max(seconds, 0.0), settings.COGNITO_READ_TIMEOUT)
    with _typical_lock:
        _typical[kind] = (1 - _EWMA_WEIGHT) * _typical[kind] + _EWMA_WEIGHT * bounded


def target_seconds() -> float:
    """How long every sign-up answer takes under the uniform outcome: a typical SignUp plus a typical resend."""
    with _typical_lock:
        return min(_typical["sign_up"] + _typical["resend"], settings.COGNITO_READ_TIMEOUT)


def pad(*, elapsed: float) -> float:
    """Sleep for what is left of `target_seconds()` after `elapsed` seconds of work; returns the seconds slept."""
    target = target_seconds()
    remaining = min(max(target - elapsed, 0.0), target)
    if remaining > 0:
        sleep(remaining)
    return remaining


def reset() -> None:
    with _typical_lock:
        _typical.update(_INITIAL_SECONDS)


def typed_delivery(username: str) -> CodeDelivery | None:
    """Where the code went, from what the user typed, so new and existing usernames show the same page. Meant for
    pools whose username is the email address (or phone number); shown in full so a typo is easy to spot."""
    if "@" in username:
        return CodeDelivery(destination=username, medium="EMAIL", attribute="email")
    if username.startswith("+"):
        return CodeDelivery(destination=username, medium="SMS", attribute="phone_number")
    return None


def _failures_key(username: str) -> str:
    return f"signup:uniform-failures:{username_digest(username)}"


def check_not_locked(username: str) -> None:
    try:
        failures = cache.get(_failures_key(username), 0)
    except Exception:
        logger.warning("uniform.cache_unavailable", exc_info=True)
        return
    if isinstance(failures, int) and failures >= MAX_FAILED_CODES:
        raise errors.TooManyFailedAttempts()


def code_refused(username: str) -> errors.PortalError:
    """The error a journey for an existing account answers with, counting towards the lock-out as Cognito would."""
    try:
        counters.hit_many([(_failures_key(username), FAILED_CODES_MEMORY_SECONDS)])
    except Exception:
        logger.warning("uniform.cache_unavailable", exc_info=True)
    return errors.CodeMismatch()
