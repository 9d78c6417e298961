"""Health checks for load balancers and orchestrators.

- `/healthz` (liveness): the process answers. Touches nothing else.
- `/readyz` (readiness): the database and the cache answer; 503 otherwise. Never calls Cognito (a Cognito outage
  must not take every instance out of the load balancer; the pages degrade to a friendly 503 instead).

The middleware answers both before host validation and the HTTPS redirect: load balancers probe each target by its
IP address over plain HTTP, which ALLOWED_HOSTS and SECURE_SSL_REDIRECT would otherwise refuse.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

READY_CACHE_KEY = "portal:readyz"


def healthz() -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def readiness_problems() -> list[str]:
    """Names of the backing services that do not answer (empty when ready)."""
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means "not ready"
        logger.warning("readyz database=unavailable", exc_info=True)
        problems.append("database")
    try:
        cache.set(READY_CACHE_KEY, "1", 10)
        if cache.get(READY_CACHE_KEY) != "1":
            raise RuntimeError("cache did not return what was stored")
    except Exception:
        logger.warning("readyz cache=unavailable", exc_info=True)
        problems.append("cache")
    return problems


def readyz() -> HttpResponse:
    problems = readiness_problems()
    if problems:
        response = HttpResponse("unavailable: " + ", ".join(problems), content_type="text/plain", status=503)
        response["Retry-After"] = "10"
        return response
    return HttpResponse("ready", content_type="text/plain")


@require_GET
def readyz_view(request: HttpRequest) -> HttpResponse:
    return readyz()


_CHECKS: dict[str, Callable[[], HttpResponse]] = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        check = _CHECKS.get(request.path_info)
        if check is not None and request.method in ("GET", "HEAD"):
            response = check()
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
