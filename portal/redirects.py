"""`redirect(name)` for the portal's steps: Django's, with the URL of each argument-less view name remembered.

Every sign-up POST ends in a redirect to a named step, and `reverse()` walks the resolver's patterns and quotes the
result every time: about 20 µs, 1 % of a sign-up's CPU (docs/benchmarks.md). Such a URL can only change with the
URLconf or the script prefix, so both are part of what it is remembered by, and a changed ROOT_URLCONF (tests)
forgets everything.
"""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.http import HttpResponseRedirect
from django.urls import get_script_prefix, get_urlconf, reverse

_urls: dict[tuple[str, Any, str], str] = {}


def step_url(viewname: str) -> str:
    """reverse(viewname), for a view name that takes no arguments."""
    key = (viewname, get_urlconf(), get_script_prefix())
    url = _urls.get(key)
    if url is None:
        url = reverse(viewname)
        if len(_urls) > 256:  # only many script prefixes could get here
            _urls.clear()
        _urls[key] = url
    return url


def redirect(viewname: str) -> HttpResponseRedirect:
    """A 302 to the view named `viewname` (no arguments), as django.shortcuts.redirect(viewname) gives."""
    return HttpResponseRedirect(step_url(viewname))


def _forget(*, setting: str, **_: Any) -> None:
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        _urls.clear()


setting_changed.connect(_forget, dispatch_uid="portal-redirects")
