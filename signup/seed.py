"""Made-up sign-up history for a demonstration or a screenshot (`manage.py seedsignups`): records in the database
and the matching cache counters. The same seed gives the same history."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal import deferred_writes
from signup import insights
from signup.models import SignUpRecord

SEED_LANGUAGES = ("en", "en", "en", "de", "fr")
SEED_FAILURES = ("username_exists", "code_mismatch", "invalid_password", "rate_limited", "code_expired")


@dataclass(frozen=True)
class SeedResult:
    records: int
    hours: int


def _hour_of_records(rng: random.Random, hour: datetime, shown: int) -> list[SignUpRecord]:
    records = []
    for _ in range(rng.randint(0, max(0, shown // 3))):
        created = hour + timedelta(seconds=rng.randrange(3600))
        confirmed = created + timedelta(seconds=rng.randrange(30, 900)) if rng.random() < 0.78 else None
        records.append(
            SignUpRecord(
                user_sub=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                created_at=created,
                confirmed_at=confirmed,
                delivery_medium="SMS" if rng.random() < 0.15 else "EMAIL",
                language=rng.choice(SEED_LANGUAGES),
                risk_data=rng.random() < 0.9,
                consent_versions={"terms": "2026-01"},
                outcome_codes=["registered"],
            )
        )
    return records


def signup_history_seed(*, days: int, seed: int, now: datetime) -> SeedResult:
    """`days` of hourly traffic ending now: a daily rhythm with some noise."""
    rng = random.Random(seed)  # noqa: S311 (made-up data, repeatable on purpose)
    first = now.replace(minute=0, second=0, microsecond=0) - timedelta(days=days) + timedelta(hours=1)
    records: list[SignUpRecord] = []
    writes: list[deferred_writes.Write] = []
    for n in range(days * 24):
        hour = first + timedelta(hours=n)
        shown = rng.randint(2, 10) + (12 if 8 <= hour.hour <= 20 else 0)
        hour_records = [r for r in _hour_of_records(rng, hour, shown) if r.created_at <= now]
        records += hour_records
        stamp = hour.timestamp()
        if now.timestamp() - stamp > insights.KEEP_SECONDS:
            continue  # the counters of older hours would have expired by now
        counts = {insights.FORM_SHOWN: shown, insights.SUBMITTED: len(hour_records) + rng.randint(0, 2)}
        for event, count in counts.items():
            writes.append((insights.event_key(event, stamp), count, insights.KEEP_SECONDS, "incr"))
        for code in rng.sample(SEED_FAILURES, rng.randint(0, 2)):
            writes += [(key, 1, insights.KEEP_SECONDS, "incr") for key in insights.failure_keys(code, stamp)]
    SignUpRecord.objects.bulk_create(records, batch_size=1000)
    deferred_writes.write(writes)
    return SeedResult(records=len(records), hours=days * 24)
