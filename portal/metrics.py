"""GET /metrics: the Prometheus text format, for operators only.

Off (404, as if it did not exist) unless SIGNUP_METRICS_TOKEN or SIGNUP_METRICS_ALLOW is set. With a token, the
request must carry `Authorization: Bearer <token>` (compared in constant time; 401 without one, 403 with a wrong
one); with networks, the client address (signup.client_ip, the trusted-proxy rule) must be in one of them (403).
With both, both must hold. Under gunicorn every worker's values are summed (prometheus-client's multi-process mode,
PROMETHEUS_MULTIPROC_DIR, set up by gunicorn.conf.py).
"""

from __future__ import annotations

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from signup.client_ip import client_ip


def _allowed_network(request: HttpRequest) -> bool:
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.SIGNUP_METRICS_ALLOW)


def _refusal(request: HttpRequest) -> HttpResponse | None:
    token, networks = settings.SIGNUP_METRICS_TOKEN, settings.SIGNUP_METRICS_ALLOW
    if not token and not networks:
        raise Http404
    if networks and not _allowed_network(request):
        return HttpResponse(status=403)
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given:
            response = HttpResponse(status=401)
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        if not hmac.compare_digest(given.strip().encode(), token.encode()):
            return HttpResponse(status=403)
    return None


def _registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if (refusal := _refusal(request)) is not None:
        return refusal
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
