"""What the portal knows about its user pool and app client (DescribeUserPool, DescribeUserPoolClient,
GetUserPoolMfaConfig), kept in each process.

Those calls need IAM credentials and have low, non-adjustable quotas (15 RPS per account), and pages read them on
their way (the password policy), so a page must never wait on a slow Cognito for them:
- each process keeps the last answer: fresh for POOL_FRESH_SECONDS, after a failure "unreadable" for
  FAILURE_CACHE_SECONDS (a portal without credentials does not ask on every request);
- one refresh at a time per process (single-flight): while it runs, everyone else gets the last answer;
- a stale answer is served at once while a background thread refreshes it;
- page reads use a client with short timeouts and no retries (signup.cognito.page_client); the admin reads fresh.

Callers get `None` when the pool could not be read and fall back to local rules.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.signals import setting_changed

from signup import cognito, errors

logger = logging.getLogger(__name__)

POOL_FRESH_SECONDS = 300
FAILURE_CACHE_SECONDS = 60

Description = dict[str, Any]


@dataclass(frozen=True)
class _Answer:
    value: Description | None  # None: the read failed
    read_at: float

    def fresh(self, now: float) -> bool:
        ttl = POOL_FRESH_SECONDS if self.value is not None else FAILURE_CACHE_SECONDS
        return now - self.read_at < ttl


class _ProcessCachedRead:
    """One description, read at most once at a time per process and served stale while it refreshes."""

    def __init__(self, kind: str, read: Callable[[Any], Description]) -> None:
        self.kind = kind
        self._read = read
        self._answer: _Answer | None = None
        self._lock = threading.Lock()

    def get(self, *, fresh: bool = False) -> Description | None:
        answer, now = self._answer, time.monotonic()
        if answer is not None and answer.fresh(now) and not fresh:
            return answer.value
        if answer is None or fresh:
            with self._lock:  # cold start: the first caller reads, the others wait for its answer
                if self._answer is None or self._answer is answer:
                    self._refresh(admin=fresh)
                return self._answer.value if self._answer else None
        if self._lock.acquire(blocking=False):  # stale: serve it, refresh in the background (single-flight)
            threading.Thread(target=self._refresh_then_release, name=f"pool-{self.kind}", daemon=True).start()
        return answer.value

    def _refresh_then_release(self) -> None:
        try:
            self._refresh(admin=False)
        finally:
            self._lock.release()

    def _refresh(self, *, admin: bool) -> None:
        try:
            value = self._read(cognito.admin_client() if admin else cognito.page_client())
        except errors.PortalError as error:
            logger.info("signup.pool read=%s outcome=%s", self.kind, error.code)
            value = None
        self._answer = _Answer(value, time.monotonic())

    def clear(self) -> None:
        self._answer = None


_user_pool = _ProcessCachedRead("user-pool", lambda client: cognito.describe_user_pool(client=client))
_client = _ProcessCachedRead("user-pool-client", lambda client: cognito.describe_user_pool_client(client=client))
_passkeys = _ProcessCachedRead("passkeys", lambda client: cognito.describe_passkey_configuration(client=client))


def user_pool_description(*, fresh: bool = False) -> Description | None:
    """DescribeUserPool's `UserPool`, or None when it cannot be read (no credentials, no permission, offline)."""
    return _user_pool.get(fresh=fresh)


def user_pool_client_description(*, fresh: bool = False) -> Description | None:
    """DescribeUserPoolClient's `UserPoolClient` without its secret, or None when it cannot be read."""
    return _client.get(fresh=fresh)


def passkey_configuration(*, fresh: bool = False) -> Description | None:
    """The pool's WebAuthnConfiguration ({} when none), or None when it cannot be read."""
    return _passkeys.get(fresh=fresh)


def pool_cache_clear(**_: Any) -> None:
    for read in (_user_pool, _client, _passkeys):
        read.clear()


def _on_setting_changed(*, setting: str, **_: Any) -> None:
    if setting.startswith("COGNITO_"):
        pool_cache_clear()


setting_changed.connect(_on_setting_changed)
