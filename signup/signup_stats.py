"""How sign-ups went, for the admin's "Sign-ups" page: the last 30 days by day, or the last 24 hours by hour (UTC).

Registrations, confirmations and the share with risk data come from the sign-up records (a few aggregate queries);
forms shown, submissions that passed the local checks and failures by stable code from the cache counters
(signup.insights).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from django.db.models import Count, Q
from django.db.models.functions import TruncDay, TruncHour
from django.utils import timezone

from signup import errors, insights
from signup.models import SignUpRecord

Span = Literal["30d", "24h"]
TOP_FAILURES = 8


@dataclass(frozen=True)
class Bucket:
    start: datetime
    shown: int
    submitted: int
    registered: int
    confirmed: int


@dataclass(frozen=True)
class Overview:
    span: Span
    buckets: tuple[Bucket, ...]
    registered: int
    confirmed_of_registered: int
    with_risk_data: int
    failures: tuple[tuple[str, int], ...]

    def total(self, name: str) -> int:
        return sum(getattr(bucket, name) for bucket in self.buckets)

    @property
    def confirmation_percent(self) -> float | None:
        """Of the accounts registered in the span, the share confirmed (so far)."""
        return _percent(self.confirmed_of_registered, self.registered)

    @property
    def risk_data_percent(self) -> float | None:
        return _percent(self.with_risk_data, self.registered)


def _percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100 * part / whole, 1)


def _starts(span: Span, now: datetime) -> list[datetime]:
    if span == "24h":
        last = now.replace(minute=0, second=0, microsecond=0)
        return [last - timedelta(hours=n) for n in range(23, -1, -1)]
    last = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return [last - timedelta(days=n) for n in range(29, -1, -1)]


def _by_bucket(span: Span, field: str, since: datetime) -> dict[datetime, int]:
    trunc = TruncHour if span == "24h" else TruncDay
    rows = (
        SignUpRecord.objects.filter(**{f"{field}__gte": since})
        .annotate(bucket=trunc(field, tzinfo=UTC))
        .values("bucket")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["bucket"]: row["n"] for row in rows}


def _counter_buckets(span: Span, starts: list[datetime]) -> dict[str, dict[datetime, int]]:
    """The cache counters, summed into the span's buckets."""
    first, last = int(starts[0].timestamp()) // 3600, int(starts[-1].timestamp()) // 3600
    if span == "30d":
        last += 23
    counts = insights.hourly_counts([insights.FORM_SHOWN, insights.SUBMITTED], first_hour=first, last_hour=last)
    step = 1 if span == "24h" else 24
    result: dict[str, dict[datetime, int]] = {}
    for event, by_hour in counts.items():
        summed: dict[datetime, int] = {}
        for hour, count in by_hour.items():
            start = starts[(hour - first) // step]
            summed[start] = summed.get(start, 0) + count
        result[event] = summed
    return result


def _failures(span: Span, starts: list[datetime]) -> tuple[tuple[str, int], ...]:
    codes = errors.all_codes()
    if span == "30d":
        first_day = int(starts[0].timestamp()) // 86400
        counts = insights.daily_failures(codes, first_day=first_day, last_day=first_day + len(starts) - 1)
    else:
        first = int(starts[0].timestamp()) // 3600
        hourly = insights.hourly_counts(
            [insights.failure_event(code) for code in codes], first_hour=first, last_hour=first + len(starts) - 1
        )
        counts = {event.removeprefix(insights.FAILED): sum(by_hour.values()) for event, by_hour in hourly.items()}
    ranked = sorted(((code, n) for code, n in counts.items() if n), key=lambda item: (-item[1], item[0]))
    return tuple(ranked[:TOP_FAILURES])


def signup_overview(*, span: Span = "30d", now: datetime | None = None) -> Overview:
    starts = _starts(span, now or timezone.now())
    since = starts[0]
    registered, confirmed = _by_bucket(span, "created_at", since), _by_bucket(span, "confirmed_at", since)
    counters = _counter_buckets(span, starts)
    shown, submitted = counters[insights.FORM_SHOWN], counters[insights.SUBMITTED]
    buckets = tuple(
        Bucket(s, shown.get(s, 0), submitted.get(s, 0), registered.get(s, 0), confirmed.get(s, 0)) for s in starts
    )
    totals = SignUpRecord.objects.filter(created_at__gte=since).aggregate(
        registered=Count("id"),
        confirmed=Count("id", filter=Q(confirmed_at__isnull=False)),
        risk=Count("id", filter=Q(risk_data=True)),
    )
    return Overview(
        span=span,
        buckets=buckets,
        registered=totals["registered"],
        confirmed_of_registered=totals["confirmed"],
        with_risk_data=totals["risk"],
        failures=_failures(span, starts),
    )
