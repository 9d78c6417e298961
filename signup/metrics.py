"""The operator's metrics, in Prometheus's terms (served by portal.metrics at /metrics).

prometheus-client keeps them in this process, or, when PROMETHEUS_MULTIPROC_DIR is set (gunicorn.conf.py sets it
for every worker), in memory-mapped files one per worker that /metrics sums: an increment is a write to local
memory, never a network round trip, so counting costs a sign-up next to nothing.
"""

from __future__ import annotations

import os

# prometheus-client writes its files there from the first metric on: a directory named but not made yet (a
# management command run with the server's environment) is made rather than failing at import.
if _directory := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(_directory, exist_ok=True)

from prometheus_client import Counter, Gauge, Histogram

OUTCOMES = Counter(
    "signup_outcomes",
    "Sign-up journey outcomes by operation (register, confirm, resend) and the portal's stable code.",
    ["operation", "outcome"],
)
REGISTRATIONS = Counter(
    "signup_registrations",
    "Accounts Cognito registered, by whether the browser's risk data came (present, absent, not_collected).",
    ["risk_data"],
)
COGNITO_SECONDS = Histogram(
    "signup_cognito_call_seconds",
    "Time of each Cognito call by operation and error code (none: success), retries included.",
    ["operation", "error"],
    buckets=(0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0),
)
RATE_LIMIT_HITS = Counter("signup_rate_limit_hits", "Requests refused by a rate limit, by action.", ["action"])
SMS_BUDGET_REFUSALS = Counter("signup_sms_budget_refusals", "Code messages refused by SIGNUP_SMS_LIMIT.")
SMS_SENT = Counter("signup_sms_sent", "Code messages Cognito reported sending by SMS.")
SMS_BUDGET = Gauge(
    "signup_sms_budget",
    "SIGNUP_SMS_LIMIT: messages allowed per period (0: no cap).",
    ["period_seconds"],
    multiprocess_mode="max",
)
FORMS_SHOWN = Counter("signup_forms_shown", "Sign-up forms served (GET /signup/).")
HONEYPOT_HITS = Counter("signup_honeypot_hits", "Sign-up posts that filled the field people never see.")
CIRCUIT_OPEN = Gauge(
    "signup_cognito_circuit_open",
    "Workers whose circuit breaker for Cognito is open (calls fail fast).",
    multiprocess_mode="livesum",
)


def outcome(operation: str, code: str) -> None:
    OUTCOMES.labels(operation=operation, outcome=code).inc()


def cognito_call(operation: str, error_code: str, seconds: float) -> None:
    """signup.cognito's call_observer: every call, with AWS's error code ("" on success)."""
    COGNITO_SECONDS.labels(operation=operation, error=error_code or "none").observe(seconds)


def registered(*, risk_data: str) -> None:
    REGISTRATIONS.labels(risk_data=risk_data).inc()


def rate_limited(action: str) -> None:
    RATE_LIMIT_HITS.labels(action=action).inc()


def sms_budget_refused() -> None:
    SMS_BUDGET_REFUSALS.inc()


def sms_sent() -> None:
    SMS_SENT.inc()


def sms_budget(*, count: int, period: int) -> None:
    SMS_BUDGET.labels(period_seconds=str(period)).set(count)


def form_shown() -> None:
    FORMS_SHOWN.inc()


def honeypot_hit() -> None:
    HONEYPOT_HITS.inc()


def circuit(*, open_: bool) -> None:
    CIRCUIT_OPEN.set(1 if open_ else 0)
