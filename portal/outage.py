"""What the portal does when a backing service (the session store, the database, the cache) fails: a 503 page with
Retry-After that says what happened and how to carry on, never a 500, never a silent restart of the journey."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.errors import error_page

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class SessionStoreUnavailable(Exception):
    """The session store (the cache or the database) did not answer."""


class ReportsOutages:
    """For session stores: a failed read raises SessionStoreUnavailable and marks the session, never an empty one."""

    store_unavailable = False

    def unavailable(self, exc: BaseException) -> SessionStoreUnavailable:
        self.store_unavailable = True
        logger.warning("session.store_unavailable error=%s", type(exc).__name__)
        return SessionStoreUnavailable(type(exc).__name__)


def _is_backing_service_failure(exception: Exception) -> bool:
    if isinstance(exception, SessionStoreUnavailable | DatabaseError):
        return True
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis is a dependency
        return False
    return isinstance(exception, RedisError)


def progress_not_saved(request: HttpRequest) -> HttpResponse:
    """The step went through but the session could not be saved: the code step is still one form away."""
    return error_page(
        request,
        503,
        explanation=_(
            "Your last step went through, but we could not save your progress. If you signed up, your account "
            "exists: ask for your code again to carry on."
        ),
        continue_url=reverse("signup:resume"),
        continue_text=_("Continue with your code"),
        retry_after=RETRY_AFTER_SECONDS,
    )


class OutageMiddleware:
    """Turns a backing-service failure raised by a view into the 503 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _is_backing_service_failure(exception):
            return None
        logger.warning("outage path=%s error=%s", request.path, type(exception).__name__)
        return error_page(request, 503, retry_after=RETRY_AFTER_SECONDS)
