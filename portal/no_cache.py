"""`never_cache` for the portal's pages, with the headers written instead of merged.

Django's decorator calls `add_never_cache_headers`, which formats an Expires date and parses, merges and rewrites the
Cache-Control header on every response: about 13 µs, a few percent of the cached form page (docs/benchmarks.md).
The portal's views never set Cache-Control themselves, so the result is always the same header; this writes that
header (and an Expires date formatted once a second) and leaves any response that has its own Cache-Control to
Django's merging, so the outcome is identical either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date

# What add_never_cache_headers writes on a response without Cache-Control.
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"

_expires: tuple[int, str] = (0, "")


def _expires_header() -> str:
    """Now, as Django writes it (max-age=0); formatted once per second (a tuple swap: thread-safe)."""
    global _expires
    now = int(time.time())
    second, text = _expires
    if second != now:
        text = http_date(now)
        _expires = (now, text)
    return text


def never_cache(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        else:
            response.headers["Cache-Control"] = NEVER_CACHE
            response.headers.setdefault("Expires", _expires_header())
        return response

    return wrapper
