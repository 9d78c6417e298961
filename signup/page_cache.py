"""The empty sign-up page, rendered once per configuration and language in each process.

A first visit to /signup/ is the same page for everyone with the same configuration and language, except for the
CSRF token. Rendering it (the form's widgets, the templates) was more than half the page's CPU time, and the page's
throughput a quarter of a bare CSRF page's; so it is rendered with a placeholder for the token, kept in the
per-process "fragments" cache, and each request only puts its own token in. Anything that makes a page personal
(a query string, a session or messages cookie, a bound form, an error) takes the normal path and is never cached.

The key covers everything the page is built from: the fields (as of the configuration revision), the password
policy, the language, the configuration revision (branding) and the settings (any change to them in this process).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation

from portal.randomness import csrf_token

CSRF_PLACEHOLDER = "portal-csrf-token-placeholder-3f9c1e"
CACHE_SECONDS = 3600
_settings_generation = 0


def _settings_changed(**_: Any) -> None:
    global _settings_generation
    _settings_generation += 1


setting_changed.connect(_settings_changed, dispatch_uid="signup-page-cache")


def cacheable(request: HttpRequest) -> bool:
    """Only a first, plain visit: nothing in the page can depend on who asked."""
    return (
        request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def page_key(parts: Hashable) -> str:
    language = translation.get_language() or ""
    material = repr((parts, language, _settings_generation))
    return "signup-page:" + hashlib.sha256(material.encode("utf-8")).hexdigest()


def serve(request: HttpRequest, key: str, render: Callable[[dict[str, Any]], TemplateResponse]) -> HttpResponse:
    """The cached page with this request's CSRF token, rendering and keeping it first if needed."""
    fragments = caches["fragments"]
    html = fragments.get(key)
    if html is None:
        response = render({"csrf_token": CSRF_PLACEHOLDER})
        response.render()
        if response.status_code != 200:
            return response
        html = response.content.decode(response.charset)
        fragments.set(key, html, CACHE_SECONDS)
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, csrf_token(request)))
