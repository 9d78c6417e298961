"""Whether browser risk data (UserContextData.EncodedData) flows: counts of sign-ups with and without it.

Counted in the shared cache in hourly buckets kept for a day (no database write per sign-up: a sign-up's cost stays
close to the floor). Counts are best-effort: a cache restart forgets them, which is fine for an operator's gauge.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache

WINDOW_HOURS = 24
_KEY = "signup:risk-data:{hour}:{kind}"
_BUCKET_SECONDS = 3600
_KEEP_SECONDS = (WINDOW_HOURS + 1) * _BUCKET_SECONDS


@dataclass(frozen=True)
class RiskDataShare:
    with_data: int
    without_data: int
    hours: int

    @property
    def total(self) -> int:
        return self.with_data + self.without_data

    @property
    def percent_with_data(self) -> float | None:
        return None if self.total == 0 else round(100 * self.with_data / self.total, 1)


def _hour(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // _BUCKET_SECONDS)


def risk_data_record(*, present: bool, now: float | None = None) -> None:
    key = _KEY.format(hour=_hour(now), kind="with" if present else "without")
    # One cache round trip per sign-up in the steady state; the hour's first sign-up creates the bucket. add() is a
    # no-op when the key exists, so concurrent first sign-ups of an hour do not reset each other.
    try:
        cache.incr(key)
    except ValueError:
        if not cache.add(key, 1, _KEEP_SECONDS):
            cache.incr(key)


def risk_data_share(*, hours: int = WINDOW_HOURS, now: float | None = None) -> RiskDataShare:
    """Sign-ups with and without risk data over the last `hours` hours (the current hour included)."""
    current = _hour(now)
    keys = {
        kind: [_KEY.format(hour=hour, kind=kind) for hour in range(current - hours + 1, current + 1)]
        for kind in ("with", "without")
    }
    values = cache.get_many(keys["with"] + keys["without"])
    return RiskDataShare(
        with_data=sum(int(values.get(key, 0)) for key in keys["with"]),
        without_data=sum(int(values.get(key, 0)) for key in keys["without"]),
        hours=hours,
    )
