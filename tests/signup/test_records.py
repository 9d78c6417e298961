"""The sign-up record: one INSERT when SignUp succeeds, one UPDATE when the account is confirmed, no read; never the
reason a sign-up fails. Retention by `manage.py purgesignups`, demo data by `manage.py seedsignups`."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertRedirects

from signup import errors, records
from signup.models import SignUpRecord
from signup.records import _batched, _insert, signup_record_purge
from signup.seed import signup_history_seed
from tests.helpers import SIGN_UP_RESPONSE, expect_confirm, expect_resend, expect_sign_up, form_data

pytestmark = pytest.mark.django_db
SUB = SIGN_UP_RESPONSE["UserSub"]


def record_queries(queries):
    return [q["sql"].split()[0] for q in queries if "signup_signuprecord" in q["sql"]]


def test_a_sign_up_writes_one_record_with_one_insert_and_no_personal_data(client, stubber):
    expect_sign_up(stubber)

    with CaptureQueriesContext(connection) as queries:
        response = client.post("/signup/", form_data(), HTTP_ACCEPT_LANGUAGE="de")

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    assert record_queries(queries.captured_queries) == ["INSERT"]
    record = SignUpRecord.objects.get()
    assert (record.user_sub, record.delivery_medium, record.language) == (SUB, "EMAIL", "de")
    assert (record.confirmed_at, record.outcome_codes, record.risk_data) == (None, ["registered"], False)
    stored = " ".join(str(getattr(record, f.attname)) for f in SignUpRecord._meta.fields)
    assert "alice" not in stored
    assert "127.0.0.1" not in stored


class HeldBatch:
    """What the batch writer was given, written when the test says, in the test's thread and transaction (SQLite's
    test database is not shared with another thread)."""

    def __init__(self) -> None:
        self.waiting: list[object] = []

    def write(self) -> None:
        batch, self.waiting[:] = self.waiting[:], []
        records._write(batch)


@pytest.fixture
def batched(monkeypatch):
    """The records as on PostgreSQL: handed to the batch writer, not written by the request."""
    held = HeldBatch()
    monkeypatch.setattr("signup.records._batched", lambda connection: True)
    monkeypatch.setattr(records.writer, "add", held.waiting.append)
    return held


def test_on_postgresql_the_record_waits_for_the_batch_writer_not_the_request(client, stubber, batched):
    expect_sign_up(stubber)

    with CaptureQueriesContext(connection) as queries:
        response = client.post("/signup/", form_data())

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    assert record_queries(queries.captured_queries) == []
    assert not SignUpRecord.objects.exists()
    batched.write()
    assert SignUpRecord.objects.get().user_sub == SUB


def test_a_batch_of_records_is_one_insert(batched):
    now = datetime(2026, 6, 1, tzinfo=UTC)
    for n in range(3):
        records.writer.add(records._Insert({"user_sub": f"sub-{n}", "created_at": now, "language": "fr"}))

    with CaptureQueriesContext(connection) as queries:
        batched.write()

    assert record_queries(queries.captured_queries) == ["INSERT"]
    assert sorted(SignUpRecord.objects.values_list("user_sub", "language")) == [
        ("sub-0", "fr"),
        ("sub-1", "fr"),
        ("sub-2", "fr"),
    ]


def test_the_records_are_batched_on_postgresql_but_not_on_sqlite():
    from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQL
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLite

    settings_dict = {**connection.settings_dict, "NAME": "unused"}  # neither connects

    assert _batched(PostgreSQL(settings_dict)) is True
    assert _batched(SQLite(settings_dict)) is False


def test_a_confirmation_before_its_record_is_written_waits_for_it(client, stubber, batched):
    expect_sign_up(stubber)
    client.post("/signup/", form_data())
    expect_confirm(stubber)

    client.post("/signup/confirm/", {"code": "123456"})  # the INSERT is still waiting (here, or in another worker)
    batched.write()

    assert SignUpRecord.objects.get().confirmed_at is not None
    assert batched.waiting == []


def test_a_confirmation_whose_record_never_comes_is_logged_after_its_last_try(batched, caplog):
    records.writer.add(records._LateConfirmation("sub-gone", datetime(2026, 6, 1, tzinfo=UTC), 2))

    with caplog.at_level(logging.WARNING, logger="signup.records"):
        batched.write()
        assert len(batched.waiting) == 1  # tried once, to be tried again
        assert not caplog.messages
        batched.write()

    assert batched.waiting == []
    assert caplog.messages == ["signup.record outcome=confirmation_not_written user_sub=sub-gone"]


def test_a_confirmation_of_a_record_confirmed_already_is_not_tried_again_or_logged(batched, caplog):
    confirmed = datetime(2026, 6, 1, tzinfo=UTC)
    _insert([{"user_sub": "sub-linked", "created_at": confirmed, "confirmed_at": confirmed}])  # by the e-mailed link
    records.writer.add(records._LateConfirmation("sub-linked", confirmed + timedelta(minutes=5), 20))

    with caplog.at_level(logging.WARNING, logger="signup.records"):
        batched.write()

    assert batched.waiting == []
    assert not caplog.messages
    assert SignUpRecord.objects.get().confirmed_at == confirmed


def test_confirming_sets_the_confirmation_time_with_one_update(client, stubber):
    expect_sign_up(stubber)
    client.post("/signup/", form_data())
    expect_confirm(stubber)

    with CaptureQueriesContext(connection) as queries:
        client.post("/signup/confirm/", {"code": "123456"})

    assert record_queries(queries.captured_queries) == ["UPDATE"]
    assert SignUpRecord.objects.get().confirmed_at is not None


def test_an_auto_confirmed_account_is_recorded_confirmed_in_its_one_insert(client, stubber):
    expect_sign_up(stubber, {**SIGN_UP_RESPONSE, "UserConfirmed": True, "CodeDeliveryDetails": {}})

    client.post("/signup/", form_data())

    record = SignUpRecord.objects.get()
    assert record.confirmed_at == record.created_at
    assert record.outcome_codes == ["registered", "auto_confirmed"]


def test_the_honeypot_writes_no_record(client, stubber):
    client.post("/signup/", form_data(homepage="https://spam.example"))

    assert not SignUpRecord.objects.exists()


def test_a_form_with_errors_writes_no_record(client, stubber):
    client.post("/signup/", form_data(email="not-an-address"))

    assert not SignUpRecord.objects.exists()


def test_a_refused_sign_up_writes_no_record(client, stubber):
    stubber.add_client_error("sign_up", service_error_code="UsernameExistsException")

    client.post("/signup/", form_data())

    assert not SignUpRecord.objects.exists()


def test_a_timed_out_sign_up_that_turns_out_to_exist_is_not_recorded_twice(client, stubber, monkeypatch):
    answers = iter([errors.CognitoTimeout(detail="ReadTimeoutError"), errors.UsernameExists()])

    def sign_up(*_, **__):
        raise next(answers)

    monkeypatch.setattr("signup.services.cognito.sign_up", sign_up)
    client.post("/signup/", form_data())
    expect_resend(stubber)

    response = client.post("/signup/", form_data())

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    assert SignUpRecord.objects.count() == 0  # no SignUp answer ever named the sub


def test_a_database_failure_loses_the_record_not_the_sign_up(client, stubber, caplog):
    def refuse_record_inserts(execute, sql, params, many, context):
        if sql.startswith("INSERT") and SignUpRecord._meta.db_table in sql:
            raise DatabaseError("database is locked")
        return execute(sql, params, many, context)

    expect_sign_up(stubber)

    with caplog.at_level(logging.WARNING, logger="signup.records"), connection.execute_wrapper(refuse_record_inserts):
        response = client.post("/signup/", form_data())

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    assert f"signup.record outcome=not_written user_sub={SUB}" in caplog.messages


# --- Retention and demo data --------------------------------------------------------------------------------------


def _record(days_ago: int, now: datetime) -> SignUpRecord:
    return SignUpRecord.objects.create(user_sub=f"sub-{days_ago}", created_at=now - timedelta(days=days_ago))


def test_purge_deletes_only_the_records_older_than_the_period():
    now = datetime(2026, 6, 1, tzinfo=UTC)
    for days_ago in (1, 399, 401):
        _record(days_ago, now)

    assert signup_record_purge(older_than_days=400, now=now) == 1
    assert sorted(SignUpRecord.objects.values_list("user_sub", flat=True)) == ["sub-1", "sub-399"]


def test_the_purge_command_takes_its_default_from_the_retention_setting(settings, capsys):
    settings.SIGNUP_RECORD_RETENTION_DAYS = 10
    now = datetime.now(UTC)
    _record(5, now), _record(11, now)

    call_command("purgesignups")

    assert "Deleted 1 sign-up record(s) older than 10 day(s)." in capsys.readouterr().out
    call_command("purgesignups", "--older-than", "3")
    assert not SignUpRecord.objects.exists()


def test_the_seed_is_repeatable():
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)

    first = signup_history_seed(days=2, seed=7, now=now)
    subs = list(SignUpRecord.objects.order_by("created_at").values_list("user_sub", "created_at"))
    SignUpRecord.objects.all().delete()
    second = signup_history_seed(days=2, seed=7, now=now)

    assert first == second
    assert first.records > 0
    assert list(SignUpRecord.objects.order_by("created_at").values_list("user_sub", "created_at")) == subs


def test_a_column_the_insert_is_not_given_gets_its_fields_default_as_with_create():
    _insert([{"user_sub": "sub-defaults", "created_at": datetime(2026, 6, 1, tzinfo=UTC)}])

    record = SignUpRecord.objects.get(user_sub="sub-defaults")
    assert (record.confirmed_at, record.delivery_medium, record.risk_data) == (None, "", False)
    assert (record.consent_versions, record.outcome_codes) == ({}, [])
