"""The end user's IP address, from one place: UserContextData.IpAddress, rate limits and logs all use it; and the
request context the gateway forwards to Cognito.

X-Forwarded-For is client-controlled at its left end. Each trusted proxy appends the address it saw, so with N
trusted proxies the user's address is the N-th entry from the right; anything further left is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from signup.cognito import RequestContext


def _parse(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:443"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = _parse(request.META.get("REMOTE_ADDR", "")) or ""
    trusted = settings.DJANGO_TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < trusted:
        # Fewer hops than configured proxies: the header did not come through our proxies; trust nothing in it.
        return remote
    return _parse(forwarded[-trusted]) or remote


def request_context(request: HttpRequest, *, encoded_data: str = "", analytics_endpoint_id: str = "") -> RequestContext:
    """What Cognito is told about this request: the user's address, the browser's risk data, the analytics id."""
    return RequestContext(
        ip_address=client_ip(request),
        encoded_data=encoded_data,
        analytics_endpoint_id=analytics_endpoint_id or settings.COGNITO_ANALYTICS_ENDPOINT_ID,
    )
