"""What the portal knows about its user pool and app client (DescribeUserPool / DescribeUserPoolClient).

Those calls need IAM credentials and have low, non-adjustable quotas (15 RPS per account), so answers are cached in
the shared cache, and so are failures for a short while: a portal without credentials must not ask on every request.
Callers get `None` when the pool could not be read and fall back to local rules.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache

from signup import cognito, errors

logger = logging.getLogger(__name__)

POOL_CACHE_SECONDS = 300
FAILURE_CACHE_SECONDS = 60
_UNREADABLE = "unreadable"


def _cache_key(kind: str) -> str:
    return f"signup:pool:{kind}:{settings.COGNITO_USER_POOL_ID}:{settings.COGNITO_CLIENT_ID}"


def _cached_read(kind: str, read: Any) -> dict[str, Any] | None:
    key = _cache_key(kind)
    cached = cache.get(key)
    if cached == _UNREADABLE:
        return None
    if cached is not None:
        return cached
    try:
        value = read()
    except errors.PortalError as error:
        logger.warning("signup.pool read=%s outcome=%s", kind, error.code)
        cache.set(key, _UNREADABLE, FAILURE_CACHE_SECONDS)
        return None
    cache.set(key, value, POOL_CACHE_SECONDS)
    return value


def user_pool_description() -> dict[str, Any] | None:
    """DescribeUserPool's `UserPool`, or None when it cannot be read (no credentials, no permission, offline)."""
    return _cached_read("user-pool", cognito.describe_user_pool)


def user_pool_client_description() -> dict[str, Any] | None:
    """DescribeUserPoolClient's `UserPoolClient` without its secret, or None when it cannot be read."""
    return _cached_read("user-pool-client", cognito.describe_user_pool_client)


def pool_cache_clear() -> None:
    cache.delete_many([_cache_key("user-pool"), _cache_key("user-pool-client")])
