"""Sessions that say when their store is down, and a middleware that saves them on a 503 too.

Django's SessionMiddleware skips saving on every 5xx response. The portal's 503 pages are not crashes: a SignUp that
timed out leaves a marker the next submission relies on (it may have gone through), so a modified session is saved
on a 503 as on any answer below 500 (never on a 500: that is a bug, and its half-done state is not worth keeping).

A session store that does not answer must never look like an empty session (Django's cache store does exactly that,
which silently sent people back to the start): the stores below raise SessionStoreUnavailable instead, the outage
middleware (portal.outage) turns it into a 503 page with Retry-After, and the cookie is left alone so the journey
is still there once the store is back. A save that fails after the work was done (e.g. after SignUp succeeded) gets
the same kind of page, which tells the person how to carry on.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase, UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

from portal import deferred_writes
from portal.outage import progress_not_saved

logger = logging.getLogger(__name__)


def _saves(status: int) -> bool:
    return status < 500 or status == 503


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, plus: saves on a 503, leaves the cookie alone when the store is down, and holds the request's
    deferrable cache writes (portal.deferred_writes) until the session is saved, so they travel together."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.deferred_writes = deferred_writes.begin()  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        token = getattr(request, "deferred_writes", None)
        try:
            return self._process_response(request, response)
        finally:
            if token is not None:
                deferred_writes.end(token)

    def _process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session: SessionBase | None = getattr(request, "session", None)
        if session is None or getattr(session, "store_unavailable", False):
            return response  # the store did not answer: leave the cookie (and the journey behind it) alone
        empty = session.is_empty()
        if settings.SESSION_COOKIE_NAME in request.COOKIES and empty:
            response.delete_cookie(
                settings.SESSION_COOKIE_NAME,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,  # type: ignore[arg-type]
            )
            patch_vary_headers(response, ("Cookie",))
            return response
        changed = session.modified or settings.SESSION_SAVE_EVERY_REQUEST
        saving = changed and not empty and _saves(response.status_code)
        if session.accessed or saving:  # once: Django's middleware patches it again after saving
            patch_vary_headers(response, ("Cookie",))
        return self._save(request, session, response) if saving else response

    def _save(self, request: HttpRequest, session: SessionBase, response: HttpResponse) -> HttpResponse:
        try:
            session.save()
        except UpdateError:
            raise SessionInterrupted(
                "The request's session was deleted before the request completed (a concurrent request ended it)."
            ) from None
        except Exception as exc:  # the store failed after the work was done: say how to carry on, not a 500
            logger.warning("session.save_failed error=%s path=%s", type(exc).__name__, request.path)
            return progress_not_saved(request)
        response.set_cookie(settings.SESSION_COOKIE_NAME, session.session_key or "", **_cookie_options(session))
        return response


def _cookie_options(session: SessionBase) -> dict[str, Any]:
    if session.get_expire_at_browser_close():
        max_age, expires = None, None
    else:
        max_age = session.get_expiry_age()
        expires = http_date(time.time() + max_age)
    return {
        "max_age": max_age,
        "expires": expires,
        "domain": settings.SESSION_COOKIE_DOMAIN,
        "path": settings.SESSION_COOKIE_PATH,
        "secure": settings.SESSION_COOKIE_SECURE or None,
        "httponly": settings.SESSION_COOKIE_HTTPONLY or None,
        "samesite": settings.SESSION_COOKIE_SAMESITE,
    }
