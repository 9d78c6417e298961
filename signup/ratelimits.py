"""Rate limits on what reaches Cognito and on the admin's login.

Each action has independent buckets per client network (signup.client_ip, counted per address for IPv4 and per
/64 for IPv6), per username and, for the actions that send a code, per destination: the email address or phone number
the code goes to. Destination buckets are shared by sign-up, resend and resume (rules with the same period count in
one bucket), so "codes to one address per hour" holds whichever way they are asked for. Counted in Django's default
cache, so the limits hold across processes and instances when that cache is shared (Redis). Values are keyed hashes.

`SIGNUP_RATE_LIMIT` configures them:
- unset or empty: DEFAULT below;
- `off`: no limits at all (benchmarks and load tests only);
- otherwise a comma-separated list of `<action>:<count>/<period>/<key>`, e.g. `signup:20/m/ip,resend:3/15m/username`,
  with action signup, confirm, resend, resume or admin_login; period s, m, h or d, optionally with a number in front
  (`10s`, `15m`); key ip, username or destination (destination only for signup, resend and resume). Actions not
  listed have no limit. A malformed value stops the start-up.

`SIGNUP_SMS_LIMIT` (e.g. `200/h`, unset: none) caps the codes sent by text message across the whole deployment.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from signup import counters, errors, keys, metrics

logger = logging.getLogger(__name__)

SETTING = "SIGNUP_RATE_LIMIT"
ACTIONS = ("signup", "confirm", "resend", "resume", "admin_login")
KEYS = ("ip", "username", "destination")
CODE_ACTIONS = ("signup", "resend", "resume")
PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
DEFAULT = (
    "signup:30/m/ip,signup:5/h/username,signup:5/h/destination,"
    "confirm:30/m/ip,confirm:15/h/username,"
    "resend:10/m/ip,resend:5/h/username,resend:5/h/destination,"
    "resume:10/m/ip,resume:5/h/username,resume:5/h/destination,"
    "admin_login:20/15m/ip,admin_login:5/15m/username"
)
_RULE = re.compile(r"^(?P<action>[a-z_]+):(?P<count>\d+)/(?P<multiple>\d*)(?P<unit>[smhd])/(?P<key>[a-z]+)\Z")
_BUDGET = re.compile(r"^(?P<count>\d+)/(?P<multiple>\d*)(?P<unit>[smhd])\Z")


@dataclass(frozen=True)
class Rate:
    action: str
    count: int
    period: int  # seconds
    key: str


def _problem(match: re.Match[str] | None) -> str:
    if not match:
        return "expected <action>:<count>/<period>/<key>, e.g. signup:20/m/ip"
    if match["action"] not in ACTIONS:
        return f"the action must be one of {', '.join(ACTIONS)}"
    if match["key"] not in KEYS:
        return f"the key must be one of {', '.join(KEYS)}"
    if match["key"] == "destination" and match["action"] not in CODE_ACTIONS:
        return f"only {', '.join(CODE_ACTIONS)} send codes, so only they have a destination"
    if int(match["count"]) < 1 or int(match["multiple"] or 1) < 1:
        return "the count and the period must be positive numbers"
    return ""


def parse(value: str) -> tuple[Rate, ...]:
    """Parse a SIGNUP_RATE_LIMIT value. Raises ImproperlyConfigured naming the variable and the bad entry."""
    value = value.strip()
    if value.lower() == "off":
        return ()
    rates = []
    for entry in (value or DEFAULT).split(","):
        entry = entry.strip()
        match = _RULE.match(entry)
        if problem := _problem(match):
            raise ImproperlyConfigured(f"{SETTING}: {entry!r} is not a valid rate limit: {problem}.")
        assert match is not None
        period = int(match["multiple"] or 1) * PERIODS[match["unit"]]
        rates.append(Rate(action=match["action"], count=int(match["count"]), period=period, key=match["key"]))
    return tuple(rates)


def parse_budget(value: str) -> tuple[int, int] | None:
    """Parse SIGNUP_SMS_LIMIT (`200/h`) into (count, period seconds); None when unset."""
    value = value.strip()
    if not value:
        return None
    match = _BUDGET.match(value)
    if not match or int(match["count"]) < 1 or int(match["multiple"] or 1) < 1:
        raise ImproperlyConfigured(f"SIGNUP_SMS_LIMIT: {value!r} is not <count>/<period>, e.g. 200/h.")
    return int(match["count"]), int(match["multiple"] or 1) * PERIODS[match["unit"]]


@lru_cache(maxsize=8)
def _parse_cached(value: str) -> tuple[Rate, ...]:
    return parse(value)


def configured_rates() -> tuple[Rate, ...]:
    return _parse_cached(str(getattr(settings, SETTING, "") or ""))


def check_configuration() -> None:
    """Called at start-up (AppConfig.ready): a malformed value fails loudly there, not on a request."""
    configured_rates()
    parse_budget(settings.SIGNUP_SMS_LIMIT)


def _window(period: int, now: float) -> tuple[int, int]:
    window = int(now // period)
    return window, max(1, math.ceil((window + 1) * period - now))


def _subject_values(key: str, *, ip: str | None, username: str | None, destinations: Sequence[str]) -> list[str]:
    if key == "ip":
        # Requests whose address could not be determined share one bucket rather than escaping the IP limit.
        return [] if ip is None else [keys.keyed_digest("ip", keys.client_network(ip or "unknown"))]
    if key == "username":
        return [keys.username_digest(username)] if username else []
    return [digest for digest in destinations if digest]  # already keyed digests


def _bucket_key(rate: Rate, value: str, window: int) -> str:
    # Destinations: one bucket per period whichever action sent the code.
    scope = "codes" if rate.key == "destination" else rate.action
    return f"ratelimit:{scope}:{rate.key}:{rate.period}:{window}:{value}"


def enforce(
    action: str, *, ip: str | None = None, username: str | None = None, destinations: Sequence[str] = ()
) -> list[str]:
    """Count one attempt at `action` in the buckets of the keys given (None or empty: not counted) and raise
    errors.RateLimited if any of them is over its limit. `destinations` are keyed digests (signup.keys). Returns
    the buckets counted, for `refund` when the attempt turns out not to count (a successful admin login).

    The buckets are independent, so an attacker rotating IPs still fills the username's and the destination's. A
    cache that does not answer fails open (logged): the limits protect Cognito's quota, the page must still work.
    """
    now = time.time()
    buckets: list[tuple[Rate, str, int]] = []
    for rate in configured_rates():
        if rate.action != action:
            continue
        window, wait = _window(rate.period, now)
        for value in _subject_values(rate.key, ip=ip, username=username, destinations=destinations):
            buckets.append((rate, _bucket_key(rate, value, window), wait))
    try:
        counts = counters.hit_many([(key, rate.period + 1) for rate, key, _ in buckets])
    except Exception:  # a cache outage must not become a 500
        logger.warning("ratelimit.cache_unavailable action=%s", action, exc_info=True)
        return []
    over = [(rate, wait) for (rate, _, wait), count in zip(buckets, counts, strict=True) if count > rate.count]
    for rate, _ in over:
        logger.warning(
            "ratelimit.hit action=%s key=%s limit=%s/%ss client_ip=%s",
            action,
            rate.key,
            rate.count,
            rate.period,
            ip or "-",
        )
    if over:
        metrics.rate_limited(action)
        raise errors.RateLimited(retry_after=max(wait for _, wait in over))
    return [key for _, key, _ in buckets]


def refund(bucket_keys: Sequence[str]) -> None:
    """Take back one attempt from each of the buckets `enforce` counted (it returned them). Counting first and
    refunding after keeps the limit exact under parallel attempts, which checking first would not."""
    for key in bucket_keys:
        try:
            cache.decr(key)
        except ValueError:  # the window ended meanwhile: its bucket is gone, nothing to take back
            continue
        except Exception:  # a cache outage must not become a 500
            logger.warning("ratelimit.cache_unavailable action=refund", exc_info=True)
            return


def _sms_bucket() -> tuple[int, str, int, int] | None:
    budget = parse_budget(settings.SIGNUP_SMS_LIMIT)
    if budget is None:
        return None
    count, period = budget
    window, wait = _window(period, time.time())
    return count, f"ratelimit:sms:{period}:{window}", period + 1, wait


def sms_budget_check() -> None:
    """Raise errors.SmsBudgetSpent when SIGNUP_SMS_LIMIT's codes by text message are spent for this window."""
    bucket = _sms_bucket()
    if bucket is None:
        return
    count, key, _, wait = bucket
    try:
        spent = cache.get(key, 0)
    except Exception:
        logger.warning("ratelimit.cache_unavailable action=sms", exc_info=True)
        return
    if isinstance(spent, int) and spent >= count:
        logger.warning("ratelimit.sms_budget_spent limit=%s", settings.SIGNUP_SMS_LIMIT)
        metrics.sms_budget_refused()
        raise errors.SmsBudgetSpent(retry_after=wait)


def sms_sent() -> None:
    """Count a code that went by text message (CodeDeliveryDetails said SMS)."""
    metrics.sms_sent()
    bucket = _sms_bucket()
    if bucket is None:
        return
    _, key, seconds, _ = bucket
    try:
        counters.hit_many([(key, seconds)])
    except Exception:
        logger.warning("ratelimit.cache_unavailable action=sms", exc_info=True)
