"""A small circuit breaker for the public Cognito calls: fail fast when Cognito is down.

After `failures` consecutive "service unavailable" outcomes (refused, timed out, 5xx, malformed replies,
misconfiguration) the circuit opens: for `reset_after` seconds calls fail at once with errors.CognitoCircuitOpen
(503 with Retry-After) instead of tying up a worker thread for the full timeout. Then calls go through again; the
first failure re-opens it, the first success closes it. Business outcomes (taken username, wrong code, throttling)
say Cognito is up and never count.

State is per process: each gunicorn worker learns on its own, which takes `failures` requests per worker.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable

from signup import errors, metrics

logger = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(self, *, failures: int, reset_after: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.failures = failures
        self.reset_after = reset_after
        self.clock = clock
        self._lock = threading.Lock()
        self._consecutive = 0
        self._opened_at: float | None = None

    @property
    def enabled(self) -> bool:
        return self.failures > 0 and self.reset_after > 0

    def before_call(self) -> None:
        """Raise errors.CognitoCircuitOpen while the circuit is open."""
        if not self.enabled:
            return
        with self._lock:
            if self._opened_at is None:
                return
            remaining = self._opened_at + self.reset_after - self.clock()
        if remaining > 0:
            raise errors.CognitoCircuitOpen(detail="circuit open", retry_after=max(1, math.ceil(remaining)))

    def record(self, error: errors.PortalError | None) -> None:
        """Record a call's outcome: None for success, else the error it ended in."""
        if not self.enabled:
            return
        with self._lock:
            if error is None or not isinstance(error, errors.ServiceUnavailable):
                if self._opened_at is not None:
                    logger.warning("cognito.circuit state=closed")
                    metrics.circuit(open_=False)
                self._consecutive = 0
                self._opened_at = None
                return
            self._consecutive += 1
            if self._consecutive >= self.failures:
                if self._opened_at is None:
                    logger.warning("cognito.circuit state=open failures=%s", self._consecutive)
                    metrics.circuit(open_=True)
                self._opened_at = self.clock()

    def reset(self) -> None:
        with self._lock:
            self._consecutive = 0
            self._opened_at = None
        metrics.circuit(open_=False)
