"""Cheap counters for the admin's "Sign-ups" page: forms shown, submissions that passed the local checks, and each
failure by its stable code, in hourly buckets of the shared cache (kept a little over 30 days).

None of them costs a round trip of its own. A POST's counts travel with the session in the request's one pipeline
(portal.deferred_writes). A form shown (GET /signup/, served from signup.page_cache without touching the cache) is
added to a per-process tally, sent in one pipeline at most every FLUSH_SECONDS and when the worker exits, so the
counts of every worker and instance add up. Counts are best effort: a cache outage loses them (logged once), never
a page.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Iterable

from django.core.cache import cache

from portal import deferred_writes
from signup import metrics

logger = logging.getLogger(__name__)

BUCKET_SECONDS = 3600
KEEP_SECONDS = 32 * 24 * BUCKET_SECONDS
FLUSH_SECONDS = 5.0
FORM_SHOWN = "form_shown"
SUBMITTED = "submitted"
DAY_HOURS = 24
FAILED = "failed:"
# Hourly buckets for every event; failures also count in daily buckets, so 30 days of every code is a short read.
_KEY = "signup:insight:h{hour}:{event}"
_DAY_KEY = "signup:insight:d{day}:{event}"


def hour_of(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // BUCKET_SECONDS)


def failure_event(code: str) -> str:
    return f"{FAILED}{code}"


def event_key(event: str, now: float | None = None) -> str:
    return _KEY.format(hour=hour_of(now), event=event)


def failure_keys(code: str, now: float | None = None) -> tuple[str, str]:
    """A failure's hourly and daily counters."""
    hour, event = hour_of(now), failure_event(code)
    return _KEY.format(hour=hour, event=event), _DAY_KEY.format(day=hour // DAY_HOURS, event=event)


def count_soon(event: str, *, now: float | None = None) -> None:
    """Count one `event` in the current hour, sent with the request's other cache writes."""
    deferred_writes.incr_soon(event_key(event, now), KEEP_SECONDS)


def failure_soon(code: str, *, now: float | None = None) -> None:
    """Count one failure with this stable code, in its hour and its day."""
    for key in failure_keys(code, now):
        deferred_writes.incr_soon(key, KEEP_SECONDS)


class _Tally:
    """Forms shown in this process and not yet sent: {hour: count}."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[int, int] = {}
        self._last_flush = time.monotonic()
        self._failing = False

    def add(self, *, now: float | None = None) -> None:
        with self._lock:
            hour = hour_of(now)
            self._counts[hour] = self._counts.get(hour, 0) + 1
            due = time.monotonic() - self._last_flush >= FLUSH_SECONDS
        if due:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            counts, self._counts = self._counts, {}
            self._last_flush = time.monotonic()
        if not counts:
            return
        writes = [(_KEY.format(hour=hour, event=FORM_SHOWN), n, KEEP_SECONDS, "incr") for hour, n in counts.items()]
        try:
            deferred_writes.write(writes)
        except Exception:  # any cache failure: the counts are lost, the page is not
            if not self._failing:
                logger.warning("signup.insights counts_lost reason=cache_unavailable", exc_info=True)
            self._failing = True
        else:
            self._failing = False


_tally = _Tally()
atexit.register(_tally.flush)


def form_shown(*, now: float | None = None) -> None:
    metrics.form_shown()
    _tally.add(now=now)


def flush() -> None:
    """Send this process's tally now (gunicorn's worker_exit, tests)."""
    _tally.flush()


def hourly_counts(events: Iterable[str], *, first_hour: int, last_hour: int) -> dict[str, dict[int, int]]:
    """{event: {hour: count}} for the hours first_hour..last_hour (inclusive), in one cache read."""
    return _read(_KEY, "hour", events, range(first_hour, last_hour + 1))


def daily_failures(codes: Iterable[str], *, first_day: int, last_day: int) -> dict[str, int]:
    """{code: failures} over the days first_day..last_day (days since the epoch, UTC), in one cache read."""
    counts = _read(_DAY_KEY, "day", [failure_event(code) for code in codes], range(first_day, last_day + 1))
    return {event.removeprefix(FAILED): sum(by_day.values()) for event, by_day in counts.items()}


def _read(pattern: str, unit: str, events: Iterable[str], buckets: range) -> dict[str, dict[int, int]]:
    events = list(events)
    keys = {pattern.format(**{unit: bucket, "event": event}): (event, bucket) for event in events for bucket in buckets}
    try:
        values = cache.get_many(list(keys))
    except Exception:
        logger.warning("signup.insights counts_unreadable reason=cache_unavailable", exc_info=True)
        values = {}
    counts: dict[str, dict[int, int]] = {event: {} for event in events}
    for key, value in values.items():
        event, bucket = keys[key]
        counts[event][bucket] = int(value)
    return counts
