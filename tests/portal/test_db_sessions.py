"""The database session store (the default stack): every write is one statement with no transaction around it, so
SQLite's write lock is held only while SQLite works; Django's own save runs inside a transaction someone else opened;
the errors are Django's, except that a failing database is not mistaken for a deleted session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection, transaction
from pytest_django.asserts import assertContains, assertRedirects

from portal.db_sessions import SessionStore
from tests.helpers import expect_confirm, expect_sign_up, form_data, restore_default_email_field


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every statement the connection sends, BEGIN and SAVEPOINT included, as its first words."""
    sent: list[str] = []

    def noting(execute, sql, params, many, context):
        sent.append(" ".join(sql.split()[:3]))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(noting):
        yield sent


@pytest.fixture
def signup_form(transactional_db) -> None:
    restore_default_email_field()


@pytest.fixture
def saved() -> SessionStore:
    session = SessionStore()
    session["step"] = "confirm"
    session.create()
    return session


@pytest.mark.django_db(transaction=True)
def test_a_new_session_is_one_insert_with_no_transaction(statements):
    session = SessionStore()
    session["step"] = "confirm"

    session.create()

    assert statements == ['INSERT INTO "django_session"']
    assert SessionStore(session.session_key)["step"] == "confirm"


@pytest.mark.django_db(transaction=True)
def test_a_changed_session_is_one_update_with_no_transaction(saved, statements):
    saved["step"] = "done"

    saved.save()

    assert statements == ['UPDATE "django_session" SET']
    assert SessionStore(saved.session_key)["step"] == "done"


@pytest.mark.django_db(transaction=True)
def test_deleting_a_session_is_one_delete_with_no_transaction(saved, statements):
    saved.delete()

    assert statements == ['DELETE FROM "django_session"']
    assert not Session.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_new_key_keeps_the_data_and_forgets_the_old_key(saved, statements):
    old_key = saved.session_key

    saved.cycle_key()

    assert statements == ['INSERT INTO "django_session"', 'DELETE FROM "django_session"']
    assert list(Session.objects.values_list("session_key", flat=True)) == [saved.session_key]
    assert saved.session_key != old_key
    assert SessionStore(saved.session_key)["step"] == "confirm"


@pytest.mark.django_db(transaction=True)
def test_creating_a_session_under_a_key_that_is_taken_raises_create_error(saved):
    twin = SessionStore(saved.session_key)
    twin["step"] = "other"

    with pytest.raises(CreateError):
        twin.save(must_create=True)

    assert SessionStore(saved.session_key)["step"] == "confirm"


@pytest.mark.django_db(transaction=True)
def test_saving_a_session_someone_deleted_raises_update_error(saved):
    SessionStore(saved.session_key).delete()
    saved["step"] = "done"

    with pytest.raises(UpdateError):
        saved.save()

    assert not Session.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_deleting_a_session_that_is_gone_is_not_an_error(saved):
    SessionStore(saved.session_key).delete()

    SessionStore(saved.session_key).delete()

    assert not Session.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_database_that_fails_an_update_is_not_a_deleted_session(saved):
    def failing(execute, sql, params, many, context):
        raise OperationalError("disk I/O error")

    saved["step"] = "done"
    with connection.execute_wrapper(failing), pytest.raises(OperationalError):
        saved.save()


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_someone_opened_djangos_save_runs_in_a_savepoint(statements):
    session = SessionStore()
    session["step"] = "confirm"

    with transaction.atomic():
        session.create()
        session["step"] = "done"
        session.save()
        session.delete()

    writes = [s.split()[0] for s in statements if s.startswith(("SAVEPOINT", "INSERT", "UPDATE", "DELETE"))]
    assert writes[:4] == ["SAVEPOINT", "INSERT", "SAVEPOINT", "UPDATE"]
    assert not Session.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_sign_up_saves_its_session_without_taking_the_write_lock_first(
    client, stubber, settings, signup_form, statements
):
    assert settings.SESSION_ENGINE == "portal.db_sessions"
    expect_sign_up(stubber)

    response = client.post("/signup/", form_data())

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    assert [s for s in statements if "django_session" in s] == ['INSERT INTO "django_session"']
    assert not [s for s in statements if s.startswith(("BEGIN", "SAVEPOINT"))]
    assertContains(client.get("/signup/confirm/"), "a***@e***")


@pytest.mark.django_db(transaction=True)
def test_a_database_that_fails_the_session_save_after_a_step_went_through_says_so(client, stubber, signup_form):
    expect_sign_up(stubber)
    expect_confirm(stubber)
    assertRedirects(client.post("/signup/", form_data()), "/signup/confirm/", fetch_redirect_response=False)

    def failing_session_updates(execute, sql, params, many, context):
        if sql.startswith('UPDATE "django_session"'):
            raise OperationalError("disk I/O error")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(failing_session_updates):
        response = client.post("/signup/confirm/", {"code": "123456"})

    assertContains(response, "we could not save your progress", status_code=503)
