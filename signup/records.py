"""The sign-up records' writes: one INSERT when SignUp succeeds, one UPDATE when the account is confirmed, no read.

A database that does not answer loses the record (logged with the user's sub), never the person's sign-up: the
account lives in Cognito either way, and the records are statistics and proof of consent, not the journey's state.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.db import DatabaseError
from django.utils import timezone

from signup.models import SignUpRecord

logger = logging.getLogger(__name__)


def signup_record_create(
    *,
    user_sub: str,
    confirmed: bool,
    delivery_medium: str,
    language: str,
    risk_data: bool,
    consent_versions: Mapping[str, str],
    outcome_codes: Sequence[str],
) -> None:
    now = timezone.now()
    try:
        SignUpRecord.objects.create(
            user_sub=user_sub,
            created_at=now,
            confirmed_at=now if confirmed else None,
            delivery_medium=delivery_medium,
            language=language,
            risk_data=risk_data,
            consent_versions=dict(consent_versions),
            outcome_codes=list(outcome_codes),
        )
    except DatabaseError:
        logger.warning("signup.record outcome=not_written user_sub=%s", user_sub, exc_info=True)


def signup_record_confirmed(*, user_sub: str) -> None:
    if not user_sub:
        return  # a journey whose SignUp answer never came (timed out, then resumed): it has no record
    try:
        SignUpRecord.objects.filter(user_sub=user_sub, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
    except DatabaseError:
        logger.warning("signup.record outcome=confirmation_not_written user_sub=%s", user_sub, exc_info=True)


def signup_record_purge(*, older_than_days: int, now: datetime | None = None) -> int:
    """Delete the records registered more than `older_than_days` days ago; how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    deleted, _ = SignUpRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
