"""The sign-up records' writes: one INSERT when SignUp succeeds, one UPDATE when the account is confirmed, no read.

On PostgreSQL (any database but SQLite) the INSERT waits until the person has the response
(portal.after_response): the worker thread writes it once the response is sent, not while the person waits for the
code step (docs/benchmarks.md, the eighth pass).

The INSERT is built once per kind of database and sent with the model fields' own conversions: the ORM's
`create()` spent two thirds of its time building the model instance, sending signals and compiling the same
statement again on every sign-up (docs/benchmarks.md), for a row nothing reads back (no RETURNING).

A database that does not answer loses the record (logged with the user's sub), never the person's sign-up: the
account lives in Cognito either way, and the records are statistics and proof of consent, not the journey's state.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field
from django.utils import timezone

from portal import after_response
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
    now = timezone.now()  # when SignUp succeeded, not when the row is written
    values = {
        "user_sub": user_sub,
        "created_at": now,
        "confirmed_at": now if confirmed else None,
        "delivery_medium": delivery_medium,
        "language": language,
        "risk_data": risk_data,
        "consent_versions": dict(consent_versions),
        "outcome_codes": list(outcome_codes),
    }
    if _waits_for_the_response(connections[router.db_for_write(SignUpRecord)]):
        after_response.later(functools.partial(_write, values))
    else:
        _write(values)


def _waits_for_the_response(connection: BaseDatabaseWrapper) -> bool:
    """Whether the INSERT waits until the response is sent: not on SQLite. SQLite has one writer at a time, and an
    INSERT after the response collided with the next requests' session writes, each collision a busy-wait sleep:
    0.80x the sign-ups/s and 1.34x the p99 of writing it at once (docs/benchmarks.md, the eighth pass)."""
    return connection.vendor != "sqlite"


def _write(values: dict[str, Any]) -> None:
    try:
        _insert(values)
    except DatabaseError:
        logger.warning("signup.record outcome=not_written user_sub=%s", values["user_sub"], exc_info=True)


def _insert(values: dict[str, Any]) -> None:
    """One row of SignUpRecord: every column but the id, each value converted by its field as `save()` would; a
    column not in `values` gets its field's default, as with `create()`."""
    connection = connections[router.db_for_write(SignUpRecord)]
    fields, statement = _insert_statement(connection)
    params = [
        field.get_db_prep_save(values[field.attname] if field.attname in values else field.get_default(), connection)
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


_statements: dict[str, tuple[list[Field[Any, Any]], str]] = {}


def _insert_statement(connection: BaseDatabaseWrapper) -> tuple[list[Field[Any, Any]], str]:
    """The fields and the INSERT for this kind of database (quoting differs), built on first use."""
    built = _statements.get(connection.vendor)
    if built is None:
        quote = connection.ops.quote_name
        fields = [field for field in SignUpRecord._meta.concrete_fields if not field.primary_key]
        columns = ", ".join(quote(field.column) for field in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        table = quote(SignUpRecord._meta.db_table)
        built = _statements.setdefault(
            connection.vendor,
            (fields, f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"),  # noqa: S608 - quoted identifiers from the model; values are parameters
        )
    return built


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
