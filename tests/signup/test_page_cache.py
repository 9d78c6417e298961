"""The empty sign-up page is rendered once per configuration and language in each process; every request still
gets its own CSRF token, and nothing personal is ever served from the copy."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation
from pytest_django.asserts import assertContains

from signup import page_cache
from signup.models import AttributeField
from signup.page_cache import CSRF_PLACEHOLDER

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def tokens(response) -> set[str]:
    return set(TOKEN.findall(response.content.decode()))


def without_tokens(response) -> str:
    return TOKEN.sub("", response.content.decode())


def test_every_visitor_gets_the_same_page_with_a_token_of_their_own(client):
    first = client.get("/signup/")
    other = client.__class__().get("/signup/")

    assert without_tokens(first) == without_tokens(other)
    assert tokens(first)
    assert tokens(first) != tokens(other)
    assert CSRF_PLACEHOLDER not in first.content.decode()
    assert "csrftoken" in other.cookies  # the token in the page has its cookie
    assert page_cache.pages_kept() == 1  # one page kept for this configuration and language


def test_a_cached_page_still_posts_with_its_token(client, stubber):
    client.get("/signup/")
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/signup/")  # from the copy
    (token,) = tokens(page)

    response = browser.post("/signup/", {"csrfmiddlewaretoken": token, "username": "x y"})

    assert response.status_code == 200  # a form error, not a CSRF refusal
    assertContains(response, "A username cannot contain spaces.")


def test_a_change_of_configuration_or_language_gets_its_own_page(client):
    client.get("/signup/")
    AttributeField.objects.create(attribute_name="custom:colour", label="Favourite colour", position=99)

    assertContains(client.__class__().get("/signup/"), "Favourite colour")
    assertContains(client.__class__().get("/signup/", HTTP_ACCEPT_LANGUAGE="de"), "Benutzername")


def test_a_visitor_with_a_session_or_a_query_string_gets_a_page_of_their_own(client, settings):
    client.get("/signup/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"
    client.get("/signup/")
    client.__class__().get("/signup/?next=https://evil.example/")

    assert page_cache.pages_kept() == 1  # neither was stored


class CountedRepr:
    """A part of a page key that counts how often the key material was rendered from it."""

    def __init__(self) -> None:
        self.renders = 0

    def __repr__(self) -> str:
        self.renders += 1
        return f"CountedRepr({id(self)})"


def test_the_key_of_unchanged_parts_is_worked_out_once_per_language():
    fields, policy = CountedRepr(), CountedRepr()

    first = page_cache.page_key(fields, policy, 7)
    again = page_cache.page_key(fields, policy, 7)
    with translation.override("de"):
        german = page_cache.page_key(fields, policy, 7)

    assert first == again != german
    assert fields.renders == 2  # English once, German once


def test_a_new_configuration_object_or_revision_gets_a_new_key():
    fields, policy = CountedRepr(), CountedRepr()
    first = page_cache.page_key(fields, policy, 7)

    assert page_cache.page_key(fields, policy, 8) != first
    assert page_cache.page_key(CountedRepr(), policy, 7) != first


def test_the_process_keeps_at_most_max_pages(monkeypatch):
    monkeypatch.setattr(page_cache, "MAX_PAGES", 2)
    for key in ("a", "b", "c"):
        page_cache._keep(key, (key.encode(), "utf-8"))

    assert page_cache.pages_kept() == 2
    assert set(page_cache._pages) == {"b", "c"}  # the oldest went
