"""GET /metrics: off unless a token or networks are configured, then only for them; the Prometheus text format;
every gunicorn worker's counts summed (prometheus-client's multi-process mode)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.helpers import expect_sign_up, form_data

pytestmark = pytest.mark.django_db
TOKEN = "metrics-token-for-tests"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_are_not_there_unless_configured(client, settings):
    settings.SIGNUP_METRICS_TOKEN, settings.SIGNUP_METRICS_ALLOW = "", []

    assert client.get("/metrics").status_code == 404


def test_a_token_is_required_and_compared(client, settings):
    settings.SIGNUP_METRICS_TOKEN = TOKEN

    missing = client.get("/metrics")
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    right = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert (missing.status_code, wrong.status_code, right.status_code) == (401, 403, 200)
    assert missing["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert TOKEN.encode() not in right.content


def test_an_allow_listed_network_is_let_in_and_others_are_not(client, settings):
    settings.SIGNUP_METRICS_ALLOW = ["10.0.0.0/8", "127.0.0.0/8"]

    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 403


def test_with_both_the_network_and_the_token_must_hold(client, settings):
    settings.SIGNUP_METRICS_ALLOW, settings.SIGNUP_METRICS_TOKEN = ["10.0.0.0/8"], TOKEN

    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 403


def test_outcomes_cognito_latency_honeypot_and_risk_data_are_reported(client, settings, stubber):
    settings.SIGNUP_METRICS_TOKEN = TOKEN
    before = samples(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode())
    expect_sign_up(stubber)
    client.post("/signup/", form_data())
    stubber.add_client_error("sign_up", service_error_code="UsernameExistsException")
    client.post("/signup/", form_data())
    client.post("/signup/", form_data(homepage="x"))

    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response["Content-Type"].startswith("text/plain")
    after = samples(response.content.decode())

    def grew(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert grew("signup_outcomes_total", operation="register", outcome="success") == 1
    assert grew("signup_outcomes_total", operation="register", outcome="username_exists") == 1
    assert grew("signup_honeypot_hits_total") == 1
    assert grew("signup_registrations_total", risk_data="not_collected") == 1
    assert grew("signup_cognito_call_seconds_count", operation="sign_up", error="none") == 1
    assert grew("signup_cognito_call_seconds_count", operation="sign_up", error="UsernameExistsException") == 1


WORKER = textwrap.dedent(
    """
    import sys
    from prometheus_client import Counter
    Counter("signup_outcomes", "d", ["operation", "outcome"]).labels("register", "success").inc(int(sys.argv[1]))
    """
)


def test_the_counts_of_several_worker_processes_add_up(client, settings, tmp_path, monkeypatch):
    settings.SIGNUP_METRICS_TOKEN = TOKEN
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for count in ("2", "3"):  # two workers, as gunicorn.conf.py sets them up
        subprocess.run([sys.executable, "-c", WORKER, count], env=env, check=True, timeout=60)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()

    key = ("signup_outcomes_total", (("operation", "register"), ("outcome", "success")))
    assert samples(text)[key] == 5
