"""The admin's login is throttled: after the `admin_login` limit of wrong passwords from one username or one client
network, even the right password is refused with a clear page and a log line; only failures count."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

ADMIN_PASSWORD = "right-Admin-Passphrase-1"
WRONG_PASSWORD = "wrong-Guess-0000"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_user():
    return get_user_model().objects.create_superuser("admin", "admin@example.com", ADMIN_PASSWORD)


def sign_in(client, password: str, username: str = "admin"):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_after_five_wrong_passwords_for_a_username_the_right_one_is_refused_with_a_clear_page(
    client, admin_user, caplog
):
    for _ in range(5):
        assert sign_in(client, WRONG_PASSWORD).status_code == 200
    caplog.set_level(logging.WARNING, logger="portal.admin_site")

    response = sign_in(client, ADMIN_PASSWORD)

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert not signed_in(client)
    assert "admin.login outcome=rate_limited client_ip=127.0.0.1" in caplog.messages


def test_after_twenty_wrong_passwords_from_one_network_the_admins_right_password_is_refused(client, admin_user):
    for number in range(20):
        assert sign_in(client, WRONG_PASSWORD, username=f"guess-{number}").status_code == 200

    response = sign_in(client, ADMIN_PASSWORD)

    assert response.status_code == 429
    assert not signed_in(client)


def test_every_wrong_password_is_logged_without_the_password(client, admin_user, caplog):
    caplog.set_level(logging.WARNING, logger="portal.admin_site")

    sign_in(client, WRONG_PASSWORD)

    assert caplog.messages == ["admin.login outcome=failed client_ip=127.0.0.1"]
    assert WRONG_PASSWORD not in caplog.text


def test_a_few_wrong_passwords_do_not_keep_the_admin_out(client, admin_user):
    for _ in range(4):
        sign_in(client, WRONG_PASSWORD)

    response = sign_in(client, ADMIN_PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_only_failures_count_an_admin_who_signs_in_often_is_never_throttled(client, admin_user):
    for _ in range(8):
        assert sign_in(client, ADMIN_PASSWORD).status_code == 302
        client.logout()

    for _ in range(4):
        sign_in(client, WRONG_PASSWORD)

    assert sign_in(client, ADMIN_PASSWORD).status_code == 302


def cache_down(*args, **kwargs):
    raise ConnectionError("cache down")


def test_with_the_cache_down_the_limits_fail_open_and_the_admin_can_still_sign_in(client, admin_user, monkeypatch):
    monkeypatch.setattr("signup.counters.hit_many", cache_down)

    assert sign_in(client, WRONG_PASSWORD).status_code == 200
    assert sign_in(client, ADMIN_PASSWORD).status_code == 302


def test_a_cache_that_fails_while_refunding_a_sign_in_is_no_error(client, admin_user, monkeypatch):
    monkeypatch.setattr("signup.ratelimits.cache", type("DownCache", (), {"decr": staticmethod(cache_down)})())

    assert sign_in(client, ADMIN_PASSWORD).status_code == 302
    assert signed_in(client)


def test_wrong_passwords_posted_by_a_signed_in_admin_still_count(client, admin_user):
    assert sign_in(client, ADMIN_PASSWORD).status_code == 302
    for _ in range(5):
        assert sign_in(client, WRONG_PASSWORD).status_code == 200  # still signed in as admin: these still count

    assert sign_in(client, WRONG_PASSWORD).status_code == 429
