"""Django's error reports (e-mailed to ADMINS, or shown with DEBUG) must not carry the password, the secret hash or
the client secret (sensitive_post_parameters on the views, sensitive_variables in the
gateway and the services)."""

from __future__ import annotations

import sys

import pytest
from django.core.signals import got_request_exception
from django.test import Client
from django.views.debug import ExceptionReporter
from django.views.decorators.debug import sensitive_variables

from signup import cognito
from signup.journey import Journey, journey_save
from tests.helpers import CLIENT_SECRET, PASSWORD, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports():
    captured = []

    def capture(sender, request, **kwargs):
        reporter = ExceptionReporter(request, *sys.exc_info())
        captured.append(reporter.get_traceback_text() + reporter.get_traceback_html())

    got_request_exception.connect(capture)
    yield captured
    got_request_exception.disconnect(capture)


def test_f1_an_unexpected_failure_inside_the_gateway_reports_no_password_or_secret(
    cognito_settings, monkeypatch, reports
):
    @sensitive_variables()  # this stand-in's own frame holds the parameters; the product's frames are under test
    def explode(operation, params, *, client):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(cognito, "_call_once", explode)
    secret_hash = cognito.secret_hash("alice", cognito_settings.COGNITO_CLIENT_ID, CLIENT_SECRET)

    response = Client(raise_request_exception=False).post("/signup/", form_data())

    assert response.status_code == 500
    (report,) = reports
    assert "RuntimeError" in report  # the report is real and covers the gateway's frames
    assert "sign_up" in report
    for secret in (PASSWORD, secret_hash, CLIENT_SECRET):
        index = report.find(secret)
        assert index == -1, report[max(0, index - 3000) : index + 100]


def test_f1_an_unexpected_failure_while_confirming_reports_no_code(cognito_settings, monkeypatch, reports):
    @sensitive_variables()
    def explode(operation, params, *, client):
        raise RuntimeError("unexpected")

    client = Client(raise_request_exception=False)
    session = client.session
    journey_save(session, Journey(username="alice", user_sub="s", confirmed=False, delivery=None, code_sent_at=0))
    session.save()
    monkeypatch.setattr(cognito, "_call_once", explode)

    assert client.post("/signup/confirm/", {"code": "918273"}).status_code == 500

    (report,) = reports
    assert "confirm_sign_up" in report
    assert "918273" not in report
