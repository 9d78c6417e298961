"""portal.sessions: the session middleware says `Vary: Cookie` on every response whose content may depend on the
session (read, saved or cleared), once, and only on those."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from portal.sessions import SessionMiddleware

pytestmark = pytest.mark.django_db


def _served(view, cookies: dict[str, str] | None = None) -> HttpResponse:
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    return SessionMiddleware(view)(request)


def _writing(request):
    request.session["step"] = "confirm"
    return HttpResponse("saved")


def test_a_response_that_saves_the_session_varies_on_the_cookie_once():
    response = _served(_writing)

    assert response["Vary"] == "Cookie"
    assert response.cookies[settings.SESSION_COOKIE_NAME].value


def test_a_response_that_only_reads_the_session_varies_on_the_cookie_and_sets_none():
    saved = _served(_writing).cookies[settings.SESSION_COOKIE_NAME].value

    def reading(request):
        return HttpResponse(request.session.get("step", ""))

    response = _served(reading, {settings.SESSION_COOKIE_NAME: saved})

    assert (response.content, response["Vary"]) == (b"confirm", "Cookie")
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_a_session_saved_on_every_request_varies_on_the_cookie_even_when_the_view_never_read_it(settings):
    saved = _served(_writing).cookies[settings.SESSION_COOKIE_NAME].value
    settings.SESSION_SAVE_EVERY_REQUEST = True

    response = _served(lambda request: HttpResponse("page"), {settings.SESSION_COOKIE_NAME: saved})

    assert response["Vary"] == "Cookie"
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == saved


def test_a_response_that_never_touches_the_session_does_not_vary_on_the_cookie():
    response = _served(lambda request: HttpResponse("page"))

    assert not response.has_header("Vary")
