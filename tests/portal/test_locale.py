"""portal.locale: for URLs without language prefixes, the very outcome of Django's LocaleMiddleware."""

from __future__ import annotations

import pytest
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.test import RequestFactory
from django.utils import translation

from portal.locale import LocaleMiddleware

# (language cookie, Accept-Language): each picks a language the way a browser would.
VISITORS = [
    (None, ""),
    (None, "de-DE,de;q=0.9,en;q=0.8"),
    (None, "pt-BR"),
    (None, "zh-Hans-CN,zh;q=0.9"),
    (None, "xx-YY, *;q=0.1"),
    ("fr", "de"),
    ("ar", ""),
    ("not-a-language", "es"),
    (None, "en-US,en;q=0.9"),
]


def _outcome(middleware_class, cookie, accept_language, view=None):
    request = RequestFactory().get("/signup/", HTTP_ACCEPT_LANGUAGE=accept_language)
    if cookie is not None:
        request.COOKIES["django_language"] = cookie
    seen = {}

    def respond(request):
        seen["active"] = translation.get_language()
        return (view or (lambda r: HttpResponse("page")))(request)

    try:
        response = middleware_class(respond)(request)
    finally:
        translation.deactivate()
    return request.LANGUAGE_CODE, seen["active"], response["Vary"], response["Content-Language"]


@pytest.mark.parametrize(("cookie", "accept_language"), VISITORS)
def test_every_visitor_gets_the_language_and_headers_djangos_middleware_gives(cookie, accept_language):
    assert _outcome(LocaleMiddleware, cookie, accept_language) == _outcome(
        DjangoLocaleMiddleware, cookie, accept_language
    )


def test_a_view_that_switches_language_is_answered_in_the_new_one_as_with_django():
    def switches(request):
        translation.activate("ja")
        return HttpResponse("page")

    assert _outcome(LocaleMiddleware, None, "de", switches) == _outcome(DjangoLocaleMiddleware, None, "de", switches)
    assert _outcome(LocaleMiddleware, None, "de", switches)[3] == "ja"


def test_a_urlconf_with_language_prefixes_is_refused_at_start(settings):
    settings.ROOT_URLCONF = "tests.portal.urls_i18n"
    is_language_prefix_patterns_used.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="i18n_patterns"):
            LocaleMiddleware(lambda request: HttpResponse())
    finally:
        is_language_prefix_patterns_used.cache_clear()
