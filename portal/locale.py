"""Django's LocaleMiddleware for a site without language-prefixed URLs, as the portal is.

Django's middleware looks for a language code in the path and for `i18n_patterns` twice per request, and reads the
active language back from its thread-local state right after setting it. The portal's URLs carry no language (the
language comes from the cookie the language switcher sets, then Accept-Language), so with no `i18n_patterns` those
steps always come to nothing; under 32 threads the thread-local reads also contend for one lock per process
(docs/benchmarks.md). What this keeps is exactly what Django's does then: activate the request's language, set
`request.LANGUAGE_CODE`, add `Vary: Accept-Language` and `Content-Language` (the language active at the end, in case
a view switched it). A URLconf with `i18n_patterns` is refused at start, so it can never silently misbehave.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LocaleMiddleware(DjangoLocaleMiddleware):
    def __init__(self, get_response: Any) -> None:
        super().__init__(get_response)
        if is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]:
            raise ImproperlyConfigured(
                "portal.locale.LocaleMiddleware serves URLs without language prefixes; with i18n_patterns use "
                "django.middleware.locale.LocaleMiddleware."
            )

    def process_request(self, request: HttpRequest) -> None:
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
