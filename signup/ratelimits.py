"""Rate limits on the actions that reach Cognito: sign-up, confirm, resend and resume (checklist B6).

Each action has independent buckets per client IP (from signup.client_ip, the one helper) and per username, counted
in Django's default cache, so the limits hold across processes and instances when that cache is shared (Redis).

`SIGNUP_RATE_LIMIT` configures them:
- unset or empty: the defaults below;
- `off`: no limits at all (benchmarks and load tests only);
- otherwise a comma-separated list of `<action>:<count>/<period>/<key>`, e.g. `signup:20/m/ip,resend:3/15m/username`,
  with action in signup, confirm, resend, resume; period s, m, h or d, optionally with a number in front (`10s`,
  `15m`); key ip or username. Actions not listed have no limit. A malformed value stops the start-up.

Counting uses fixed windows: `cache.add` then `cache.incr`, both atomic in Redis and in the local-memory cache.
"""

from __future__ import annotations

import logging
import math
import re
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac

from signup import errors

logger = logging.getLogger(__name__)

SETTING = "SIGNUP_RATE_LIMIT"
ACTIONS = ("signup", "confirm", "resend", "resume")
KEYS = ("ip", "username")
PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
DEFAULT = (
    "signup:30/m/ip,signup:5/h/username,"
    "confirm:30/m/ip,confirm:15/h/username,"
    "resend:10/m/ip,resend:5/h/username,"
    "resume:10/m/ip,resume:5/h/username"
)
_RULE = re.compile(r"^(?P<action>[a-z]+):(?P<count>\d+)/(?P<multiple>\d*)(?P<unit>[smhd])/(?P<key>[a-z]+)\Z")


@dataclass(frozen=True)
class Rate:
    action: str
    count: int
    period: int  # seconds
    key: str


def parse(value: str) -> tuple[Rate, ...]:
    """Parse a SIGNUP_RATE_LIMIT value. Raises ImproperlyConfigured naming the variable and the bad entry."""
    value = value.strip()
    if value.lower() == "off":
        return ()
    if not value:
        value = DEFAULT
    rates = []
    for entry in value.split(","):
        entry = entry.strip()
        match = _RULE.match(entry)
        problem = ""
        if not match:
            problem = "expected <action>:<count>/<period>/<key>, e.g. signup:20/m/ip"
        elif match["action"] not in ACTIONS:
            problem = f"the action must be one of {', '.join(ACTIONS)}"
        elif match["key"] not in KEYS:
            problem = f"the key must be one of {', '.join(KEYS)}"
        elif int(match["count"]) < 1 or int(match["multiple"] or 1) < 1:
            problem = "the count and the period must be positive numbers"
        if problem:
            raise ImproperlyConfigured(f"{SETTING}: {entry!r} is not a valid rate limit: {problem}.")
        period = int(match["multiple"] or 1) * PERIODS[match["unit"]]
        rates.append(Rate(action=match["action"], count=int(match["count"]), period=period, key=match["key"]))
    return tuple(rates)


@lru_cache(maxsize=8)
def _parse_cached(value: str) -> tuple[Rate, ...]:
    return parse(value)


def configured_rates() -> tuple[Rate, ...]:
    return _parse_cached(str(getattr(settings, SETTING, "") or ""))


def check_configuration() -> None:
    """Called at start-up (AppConfig.ready): a malformed SIGNUP_RATE_LIMIT fails loudly there, not on a request."""
    configured_rates()


def _bucket(rate: Rate, value: str, now: float) -> tuple[str, int]:
    # Usernames are hashed (keyed with SECRET_KEY) so the cache holds no personal data; case-folded so "Alice" and
    # "alice" share a bucket even in pools where usernames are case-sensitive.
    if rate.key == "username":
        value = value.casefold()
    digest = salted_hmac("signup.ratelimits", value).hexdigest()[:32]
    window = int(now // rate.period)
    retry_after = max(1, math.ceil((window + 1) * rate.period - now))
    return f"ratelimit:{rate.action}:{rate.key}:{rate.period}:{window}:{digest}", retry_after


def _hit(key: str, period: int) -> int:
    cache.add(key, 0, timeout=period + 1)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        return 1


def enforce(action: str, *, ip: str | None = None, username: str | None = None) -> None:
    """Count one attempt at `action` in the buckets of the keys given (None: not counted this time) and raise
    errors.RateLimited if any of them is over its limit.

    The buckets are independent, so an attacker rotating IPs still fills the username's bucket. A cache that does
    not answer fails open (logged): the limits protect Cognito's quota, the page must still work.
    """
    values = {
        # Requests whose address could not be determined share one bucket rather than escaping the IP limit.
        "ip": None if ip is None else (ip or "unknown"),
        "username": username or None,
    }
    now = time.time()
    retry_after = 0
    for rate in configured_rates():
        if rate.action != action or values[rate.key] is None:
            continue
        key, wait = _bucket(rate, values[rate.key], now)
        try:
            count = _hit(key, rate.period)
        except Exception:  # a cache outage must not become a 500
            logger.warning("ratelimit.cache_unavailable action=%s", action, exc_info=True)
            return
        if count > rate.count:
            retry_after = max(retry_after, wait)
            logger.warning(
                "ratelimit.hit action=%s key=%s limit=%s/%ss client_ip=%s",
                action,
                rate.key,
                rate.count,
                rate.period,
                values["ip"] or "-",
            )
    if retry_after:
        raise errors.RateLimited(retry_after=retry_after)
