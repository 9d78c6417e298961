"""portal.randomness: session keys and CSRF masks from OpenSSL's CSPRNG in one call and no system call, as strong as
Django's and accepted by it."""

from __future__ import annotations

import os
import string
from collections import Counter

import pytest
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.db import connection
from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from portal import db_sessions, randomness
from portal.cache_sessions import SessionStore as CacheSessionStore
from tests.helpers import drawn_in_a_forked_child, expect_sign_up, form_data

SECRET = "a" * 16 + "Z9" * 8  # a CSRF secret: 32 characters of CSRF_ALLOWED_CHARS


def test_a_random_string_has_the_length_asked_for_and_only_the_alphabets_characters():
    for length, alphabet in ((32, VALID_KEY_CHARS), (1, "xy"), (200, CSRF_ALLOWED_CHARS), (0, "abc")):
        value = randomness.random_string(length, alphabet)

        assert len(value) == length
        assert set(value) <= set(alphabet)


def test_bytes_that_would_favour_the_first_characters_are_dropped(monkeypatch):
    # 62 characters: bytes 248-255 would map onto the first eight a second time, so they are thrown away.
    drawn = iter([bytes([248, 0, 255, 61]), bytes([1, 2, 3, 4])])
    monkeypatch.setattr(randomness.ssl, "RAND_bytes", lambda size: next(drawn))

    assert randomness.random_string(4, CSRF_ALLOWED_CHARS) == "a9bc"


def test_every_character_of_the_alphabet_comes_up_about_as_often():
    counts = Counter(randomness.random_string(36 * 2000, VALID_KEY_CHARS))

    assert set(counts) == set(VALID_KEY_CHARS)
    # 2000 expected each; a character more than 25 % off in 72,000 draws is a bias, not chance (> 11 sigma).
    assert all(1500 < count < 2500 for count in counts.values()), counts


def test_a_masked_secret_unmasks_to_the_secret_with_djangos_own_code():
    token = randomness.mask_csrf_secret(SECRET)

    assert len(token) == 64
    assert set(token) <= set(string.ascii_letters + string.digits)
    assert _unmask_cipher_token(token) == SECRET


def test_every_mask_is_new():
    assert len({randomness.mask_csrf_secret(SECRET) for _ in range(50)}) == 50


def test_the_token_renews_the_cookie_of_a_visitor_who_has_one():
    request = RequestFactory().get("/signup/")
    request.META["CSRF_COOKIE"] = SECRET

    token = randomness.csrf_token(request)

    assert _unmask_cipher_token(token) == SECRET
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_a_first_visitor_gets_a_new_secret_and_its_cookie():
    request = RequestFactory().get("/signup/")

    token = randomness.csrf_token(request)

    assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


@pytest.mark.django_db
def test_the_cached_form_pages_token_passes_djangos_csrf_check(stubber):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/signup/")  # the first visit sets the CSRF cookie
    page = browser.get("/signup/")  # served from the page cache, with this request's own mask
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    expect_sign_up(stubber)

    response = browser.post("/signup/", {**form_data(), "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert response["Location"] == "/signup/confirm/"


@pytest.mark.django_db
def test_a_new_database_session_costs_one_insert_and_no_lookup():
    session = db_sessions.SessionStore()
    session["step"] = "confirm"

    with CaptureQueriesContext(connection) as queries:
        session.save()

    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    assert statements.count("INSERT") == 1
    assert "SELECT" not in statements
    assert db_sessions.SessionStore(session.session_key)["step"] == "confirm"


def test_session_keys_are_32_characters_of_djangos_key_alphabet():
    keys = {CacheSessionStore()._get_new_session_key() for _ in range(100)}

    assert len(keys) == 100
    assert all(len(key) == 32 and set(key) <= set(VALID_KEY_CHARS) for key in keys)


def test_a_random_string_makes_no_system_call(monkeypatch):
    # os.urandom is a getrandom system call, which lets go of the GIL: a thread hand-over under load.
    monkeypatch.setattr(os, "urandom", lambda size: pytest.fail("os.urandom was called"))

    assert len(randomness.random_string(32, VALID_KEY_CHARS)) == 32


def test_a_forked_child_never_draws_the_parents_strings():
    # OpenSSL reseeds its generator in a forked child: two gunicorn workers must not make the same session keys.
    def session_key() -> str:
        return randomness.random_string(32, VALID_KEY_CHARS)

    session_key()  # the parent's generator is in use before the forks
    first, second = drawn_in_a_forked_child(session_key, 20), drawn_in_a_forked_child(session_key, 20)
    mine = {session_key() for _ in range(20)}

    assert len(first) == len(second) == len(mine) == 20
    assert first.isdisjoint(second)
    assert first.isdisjoint(mine)
    assert second.isdisjoint(mine)
