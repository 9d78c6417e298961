"""The empty sign-up page, rendered once per configuration and language in each process.

A first visit to /signup/ is the same page for everyone with the same configuration and language, except for the
CSRF token. Rendering it (the form's widgets, the templates) was more than half the page's CPU time, and the page's
throughput a quarter of a bare CSRF page's; so it is rendered with a placeholder for the token, kept in a
per-process dictionary, and each request only puts its own token in. (A dictionary, not a LocMemCache: that one
unpickles the page and checks the key character by character on every read, a few per cent of the page.) Anything
that makes a page personal (a query string, a session or messages cookie, a bound form, an error) takes the normal
path and is never cached.

The key covers everything the page is built from: the fields (as of the configuration revision), the password
policy, the language, the configuration revision (branding) and the settings (any change to them in this process).
"""

from __future__ import annotations

import hashlib
import operator
import threading
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation

from portal.randomness import csrf_token

CSRF_PLACEHOLDER = "portal-csrf-token-placeholder-3f9c1e"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode("ascii")
MAX_PAGES = 256  # configurations times languages; more only when the configuration keeps changing
_settings_generation = 0
_pages: dict[str, tuple[bytes, str]] = {}  # {key: (page, charset)}
_pages_lock = threading.Lock()
# {(language, settings generation): (parts, key)}: the key of the parts seen last, recognised at once by identity
# (the selectors and the password policy hand out the same objects until the configuration changes).
_keys: dict[tuple[str, int], tuple[tuple[object, ...], str]] = {}


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


def page_key(*parts: Hashable) -> str:
    """A digest of the parts (as their repr), the active language and the settings; unchanged parts (the same
    objects as last time) are not rendered into a repr again."""
    slot = (translation.get_language() or "", _settings_generation)
    seen = _keys.get(slot)
    if seen is not None and len(seen[0]) == len(parts) and all(map(operator.is_, seen[0], parts)):
        return seen[1]
    material = repr((parts, *slot))
    key = "signup-page:" + hashlib.sha256(material.encode("utf-8")).hexdigest()
    if len(_keys) >= MAX_PAGES:
        _keys.clear()
    _keys[slot] = (parts, key)
    return key


def serve(request: HttpRequest, key: str, render: Callable[[dict[str, Any]], TemplateResponse]) -> HttpResponse:
    """The cached page with this request's CSRF token, rendering and keeping it first if needed."""
    page = _pages.get(key)
    if page is None:
        response = render({"csrf_token": CSRF_PLACEHOLDER})
        response.render()
        if response.status_code != 200:
            return response
        page = (response.content, response.charset)
        _keep(key, page)
    # Bytes in, and the charset given: HttpResponse neither encodes the page nor parses its Content-Type again.
    content, charset = page
    token = csrf_token(request).encode("ascii")
    return HttpResponse(content.replace(_PLACEHOLDER_BYTES, token), charset=charset)


def _keep(key: str, page: tuple[bytes, str]) -> None:
    with _pages_lock:
        while len(_pages) >= MAX_PAGES:
            del _pages[next(iter(_pages))]  # the oldest: dictionaries keep insertion order
        _pages[key] = page


def pages_kept() -> int:
    return len(_pages)


def clear() -> None:
    """Forget every page and key (tests; a process never needs to: keys change with what pages are built from)."""
    with _pages_lock:
        _pages.clear()
        _keys.clear()
