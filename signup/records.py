"""The sign-up records' writes: one INSERT when SignUp succeeds, one UPDATE when the account is confirmed, no read.

On PostgreSQL (any database but SQLite) the INSERT is not the request's: it waits in this process's batch writer
(portal.batch_writer) and is written with the others that came in the same tenth of a second, one statement and one
commit for all of them (docs/benchmarks.md, the twelfth pass). On SQLite it is written at once, in the request.

The INSERT is built from the model's fields once per kind of database and sent with the fields' own conversions:
the ORM's `create()` spent two thirds of its time building the model instance, sending signals and compiling the
same statement again on every sign-up (docs/benchmarks.md), for a row nothing reads back (no RETURNING).

The confirmation's UPDATE is the request's. When it finds no record yet (the INSERT may still be waiting in the
writer of the worker that served the sign-up) it is handed to this process's writer, which tries again after each
batch for about two seconds, then logs it as not written.

A database that does not answer loses the record (logged with the user's sub), never the person's sign-up: the
account lives in Cognito either way, and the records are statistics and proof of consent, not the journey's state.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field
from django.utils import timezone

from portal.batch_writer import BatchWriter
from signup.models import SignUpRecord

logger = logging.getLogger(__name__)

# A confirmation that finds no record is tried again after each of this many batches (about 2 s at 0.1 s each).
CONFIRMATION_TRIES = 20


@dataclasses.dataclass(frozen=True)
class _Insert:
    values: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class _LateConfirmation:
    user_sub: str
    confirmed_at: datetime
    tries_left: int


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
    if _batched(_connection()):
        writer.add(_Insert(values))
    else:
        _write([_Insert(values)])


def _batched(connection: BaseDatabaseWrapper) -> bool:
    """Whether the writes wait for the batch writer: not on SQLite. SQLite has one writer at a time, and an INSERT
    after the response collided with the next requests' session writes, each collision a busy-wait sleep: 0.80x the
    sign-ups/s and 1.34x the p99 of writing it at once (docs/benchmarks.md, the eighth pass)."""
    return connection.vendor != "sqlite"


def _connection() -> BaseDatabaseWrapper:
    return connections[router.db_for_write(SignUpRecord)]


def _write_batch(items: list[_Insert | _LateConfirmation]) -> None:
    """The writer thread's batch: its connection is its own and lives across batches, so it is checked as Django
    checks a request's at the start of each (closed if broken or older than CONN_MAX_AGE)."""
    _connection().close_if_unusable_or_obsolete()
    _write(items)


def _write(items: Sequence[_Insert | _LateConfirmation]) -> None:
    inserts = [item.values for item in items if isinstance(item, _Insert)]
    if inserts:
        try:
            _insert(inserts)
        except DatabaseError:
            logger.warning("signup.record outcome=batch_not_written rows=%d", len(inserts), exc_info=True)
            for values in inserts:
                logger.warning("signup.record outcome=not_written user_sub=%s", values["user_sub"])
    for item in items:
        if isinstance(item, _LateConfirmation):
            _confirm_late(item)


def _insert(rows: Sequence[Mapping[str, Any]]) -> None:
    """Rows of SignUpRecord in one statement: every column but the id, each value converted by its field as `save()`
    would; a column not in a row gets its field's default, as with `create()`."""
    connection = _connection()
    fields, columns, row_placeholders = _insert_parts(connection)
    params = [
        field.get_db_prep_save(row[field.attname] if field.attname in row else field.get_default(), connection)
        for row in rows
        for field in fields
    ]
    statement = f"{columns} VALUES {', '.join([row_placeholders] * len(rows))}"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


_statements: dict[str, tuple[list[Field[Any, Any]], str, str]] = {}


def _insert_parts(connection: BaseDatabaseWrapper) -> tuple[list[Field[Any, Any]], str, str]:
    """The fields, the INSERT up to VALUES and one row's placeholders for this kind of database (quoting differs),
    built on first use."""
    built = _statements.get(connection.vendor)
    if built is None:
        quote = connection.ops.quote_name
        fields = [field for field in SignUpRecord._meta.concrete_fields if not field.primary_key]
        columns = ", ".join(quote(field.column) for field in fields)
        table = quote(SignUpRecord._meta.db_table)
        built = _statements.setdefault(
            connection.vendor,
            # quoted identifiers from the model; the values are parameters
            (fields, f"INSERT INTO {table} ({columns})", f"({', '.join(['%s'] * len(fields))})"),
        )
    return built


def signup_record_confirmed(*, user_sub: str) -> None:
    if not user_sub:
        return  # a journey whose SignUp answer never came (timed out, then resumed): it has no record
    now = timezone.now()
    try:
        updated = _set_confirmed(user_sub, now)
    except DatabaseError:
        logger.warning("signup.record outcome=confirmation_not_written user_sub=%s", user_sub, exc_info=True)
        return
    if not updated and _batched(_connection()):
        writer.add(_LateConfirmation(user_sub, now, CONFIRMATION_TRIES))


def _set_confirmed(user_sub: str, confirmed_at: datetime) -> int:
    return SignUpRecord.objects.filter(user_sub=user_sub, confirmed_at__isnull=True).update(confirmed_at=confirmed_at)


def _confirm_late(confirmation: _LateConfirmation) -> None:
    sub = confirmation.user_sub
    try:
        # A record that is there but was not updated was confirmed already (by the e-mailed link, then the code or
        # a resend said "already confirmed"): nothing to wait for.
        done = (
            bool(_set_confirmed(sub, confirmation.confirmed_at)) or SignUpRecord.objects.filter(user_sub=sub).exists()
        )
    except DatabaseError:
        done = False
        logger.warning("signup.record outcome=confirmation_failed user_sub=%s", sub, exc_info=True)
    if done:
        return
    if confirmation.tries_left > 1:
        writer.add(dataclasses.replace(confirmation, tries_left=confirmation.tries_left - 1))
    else:
        logger.warning("signup.record outcome=confirmation_not_written user_sub=%s", sub)


def signup_record_purge(*, older_than_days: int, now: datetime | None = None) -> int:
    """Delete the records registered more than `older_than_days` days ago; how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    deleted, _ = SignUpRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# Up to 64 rows a statement (8 columns: 512 parameters, under every backend's limit), each at most 0.1 s late.
writer: BatchWriter[_Insert | _LateConfirmation] = BatchWriter(
    _write_batch, name="signup-records", max_rows=64, max_wait=0.1
)
