"""The empty sign-up page is rendered once per configuration and language in each process; every request still
gets its own CSRF token, and nothing personal is ever served from the copy."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.test import Client
from pytest_django.asserts import assertContains

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
    assert len(caches["fragments"]._cache) == 1  # one page kept for this configuration and language


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

    assert len(caches["fragments"]._cache) == 1  # neither was stored
