"""The optional CAPTCHA (SIGNUP_CAPTCHA): the widget on the sign-up and resume forms only, the token checked against
a loopback stand-in for the provider's siteverify before any rate limit or Cognito call, and an unanswering or
garbled siteverify treated as SIGNUP_CAPTCHA_FAIL says. Cognito is botocore's Stubber: nothing queued, nothing sent.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from typing import cast

import pytest
from django.core.signals import got_request_exception
from django.test import Client
from django.views.debug import ExceptionReporter
from django.views.decorators.debug import sensitive_variables
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from signup import captcha
from tests.helpers import (
    CAPTCHA_SECRET_KEY,
    CAPTCHA_SITE_KEY,
    CAPTCHA_TOKEN,
    PASSWORD,
    SITEVERIFY_REFUSED,
    SiteverifyReply,
    SiteverifyStandIn,
    captcha_on,
    closed_port,
    expect_sign_up,
    form_data,
)
from tests.portal.production import production_env, run_manage, settings_in

pytestmark = pytest.mark.django_db

GARBAGE = {
    "html page": SiteverifyReply(body=b"<html><body>Bad gateway</body></html>", content_type="text/html"),
    "json array": SiteverifyReply(body=b'[{"success": true}]'),
    "success not a boolean": SiteverifyReply(body=b'{"success": "true"}'),
    "status 500": SiteverifyReply(status=500, body=b'{"success": true}'),
    "provider's internal error": SiteverifyReply(body=b'{"success": false, "error-codes": ["internal-error"]}'),
    "our secret refused": SiteverifyReply(body=b'{"success": false, "error-codes": ["invalid-input-secret"]}'),
}


@pytest.fixture
def stand_in(settings) -> Iterator[SiteverifyStandIn]:
    with SiteverifyStandIn() as server:
        captcha_on(settings, server)
        yield server


def signed_up(**fields: str) -> dict[str, str]:
    return form_data(**{captcha.token_field(): CAPTCHA_TOKEN, **fields})


def expect_resend(stubber) -> None:
    stubber.add_response(
        "resend_confirmation_code",
        {"CodeDeliveryDetails": {"Destination": "c***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}},
    )


# --- The check passes --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", sorted(captcha.PROVIDERS))
def test_a_verified_token_lets_the_sign_up_reach_cognito(client, stubber, stand_in, settings, provider):
    captcha_on(settings, stand_in, provider=provider)
    expect_sign_up(stubber)

    response = client.post("/signup/", signed_up())

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    (asked,) = stand_in.requests
    assert asked == {
        "path": "/siteverify",
        "secret": CAPTCHA_SECRET_KEY,
        "response": CAPTCHA_TOKEN,
        "remoteip": "127.0.0.1",
    }


def test_the_users_address_through_a_trusted_proxy_reaches_siteverify(client, stubber, stand_in, settings):
    settings.DJANGO_TRUSTED_PROXY_COUNT = 1
    expect_sign_up(stubber, UserContextData={"IpAddress": "203.0.113.7"})

    response = client.post("/signup/", signed_up(), HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")

    assert response.status_code == 302
    assert [asked["remoteip"] for asked in stand_in.requests] == ["203.0.113.7"]


def test_the_default_siteverify_and_script_urls_are_the_providers_documented_ones(settings):
    settings.SIGNUP_CAPTCHA_SCRIPT_URL = ""
    expected = {
        "turnstile": "https://challenges.cloudflare.com/turnstile/v0/siteverify",
        "hcaptcha": "https://api.hcaptcha.com/siteverify",
        "recaptcha": "https://www.google.com/recaptcha/api/siteverify",
    }
    assert {name: provider.verify_url for name, provider in captcha.PROVIDERS.items()} == expected
    settings.SIGNUP_CAPTCHA = "hcaptcha"
    assert captcha.script_url("de") == "https://js.hcaptcha.com/1/api.js?hl=de"
    assert captcha.token_field() == "h-captcha-response"
    settings.SIGNUP_CAPTCHA = "off"
    assert (captcha.enabled(), captcha.token_field(), captcha.script_url()) == (False, "", "")


# --- The check fails: the user's to fix, on the page ---------------------------------------------------------------


def test_a_refused_token_is_an_error_on_the_page_and_nothing_reaches_cognito(client, stubber, stand_in):
    stand_in.reply = SiteverifyReply(body=SITEVERIFY_REFUSED)

    response = client.post("/signup/", signed_up())

    assert response.status_code == 200
    assert response.context["error_code"] == "captcha_failed"
    assert [error.code for error in response.context["form"].errors.as_data()["__all__"]] == ["captcha_failed"]
    assertContains(response, 'id="captcha-error"')
    assertContains(response, 'value="alice"')  # what was typed is kept ...
    assertContains(response, 'value="alice@example.com"')
    assertNotContains(response, PASSWORD)  # ... except the password
    assert len(stand_in.requests) == 1


@pytest.mark.parametrize("token", [None, ""])
def test_a_missing_token_is_refused_without_asking_siteverify(client, stubber, stand_in, token):
    data = form_data() if token is None else signed_up(**{captcha.token_field(): token})

    response = client.post("/signup/", data)

    assert response.context["error_code"] == "captcha_failed"
    assert stand_in.requests == []


def test_the_honeypot_is_still_checked_first(client, stubber, stand_in):
    response = client.post("/signup/", form_data(homepage="http://spam.example"))

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    assert stand_in.requests == []


def test_refused_tokens_spend_no_rate_limit(client, stubber, stand_in, settings):
    settings.SIGNUP_RATE_LIMIT = "signup:1/h/ip"
    stand_in.reply = SiteverifyReply(body=SITEVERIFY_REFUSED)
    for _ in range(3):
        assert client.post("/signup/", signed_up()).context["error_code"] == "captcha_failed"

    stand_in.reply = SiteverifyReply()
    expect_sign_up(stubber)
    assert client.post("/signup/", signed_up()).status_code == 302


# --- siteverify cannot be asked: SIGNUP_CAPTCHA_FAIL ---------------------------------------------------------------


def test_no_answer_in_time_fails_closed_with_a_503_and_retry_after(client, stubber, stand_in, settings):
    settings.SIGNUP_CAPTCHA_TIMEOUT = 0.2
    stand_in.reply = SiteverifyReply(hold=True)

    response = client.post("/signup/", signed_up())

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.context["error_code"] == "captcha_unavailable"
    assertContains(response, 'value="alice"', status_code=503)
    assertNotContains(response, PASSWORD, status_code=503)
    assert len(stand_in.requests) == 1  # asked once: no retry


def test_no_answer_in_time_lets_the_sign_up_through_when_failing_open(client, stubber, stand_in, settings, caplog):
    captcha_on(settings, stand_in, fail="open")
    settings.SIGNUP_CAPTCHA_TIMEOUT = 0.2
    stand_in.reply = SiteverifyReply(hold=True)
    expect_sign_up(stubber)

    with caplog.at_level(logging.WARNING, logger="signup.captcha"):
        response = client.post("/signup/", signed_up())

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    assert len(stand_in.requests) == 1
    assert any("outcome=unavailable_passed" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("reply", GARBAGE.values(), ids=GARBAGE.keys())
@pytest.mark.parametrize("fail", ["closed", "open"])
def test_a_garbled_answer_is_treated_as_an_outage(client, stubber, stand_in, settings, reply, fail):
    captcha_on(settings, stand_in, fail=fail)
    stand_in.reply = reply
    if fail == "open":
        expect_sign_up(stubber)

    response = client.post("/signup/", signed_up())

    assert response.status_code == (503 if fail == "closed" else 302)
    assert len(stand_in.requests) == 1


def test_a_refused_connection_fails_closed(client, stubber, stand_in, settings):
    settings.SIGNUP_CAPTCHA_VERIFY_URL = f"http://127.0.0.1:{closed_port()}/siteverify"

    response = client.post("/signup/", signed_up())

    assert response.status_code == 503
    assert response.context["error_code"] == "captcha_unavailable"


def test_logs_carry_outcome_codes_never_the_token_or_the_secret(client, stubber, stand_in, caplog):
    caplog.set_level(logging.DEBUG)
    stand_in.reply = SiteverifyReply(body=SITEVERIFY_REFUSED)
    client.post("/signup/", signed_up())
    stand_in.reply = SiteverifyReply(body=b'{"success": false, "error-codes": ["invalid-input-secret"]}')
    client.post("/signup/", signed_up())

    messages = [record.getMessage() for record in caplog.records if record.name == "signup.captcha"]
    assert any("outcome=failed" in line and "error_codes=invalid-input-response" in line for line in messages)
    assert any("misconfigured" in line and "invalid-input-secret" in line for line in messages)
    for record in caplog.records:
        assert CAPTCHA_TOKEN not in record.getMessage()
        assert CAPTCHA_SECRET_KEY not in record.getMessage()


def test_an_unexpected_failure_while_verifying_reports_no_token_or_secret(stubber, stand_in, monkeypatch):
    reports: list[str] = []

    def capture(sender, request, **kwargs):
        reporter = ExceptionReporter(request, *sys.exc_info())
        reports.append(reporter.get_traceback_text() + reporter.get_traceback_html())

    class Exploding:
        @sensitive_variables()  # this stand-in's own frame holds the request; the product's frames are under test
        def urlopen(self, *args, **kwargs):
            raise RuntimeError("unexpected")

    monkeypatch.setattr(captcha, "_pool", Exploding)
    got_request_exception.connect(capture)
    try:
        response = Client(raise_request_exception=False).post("/signup/", signed_up())
    finally:
        got_request_exception.disconnect(capture)

    assert response.status_code == 500
    (report,) = reports
    assert "_siteverify" in report  # the report is real and covers the CAPTCHA's frames
    for secret in (CAPTCHA_TOKEN, CAPTCHA_SECRET_KEY):
        assert secret not in report


# --- Resume ------------------------------------------------------------------------------------------------------


def test_resume_checks_the_token_before_asking_cognito_for_a_code(client, stubber, stand_in):
    expect_resend(stubber)

    response = client.post("/signup/resume/", {"username": "carol", captcha.token_field(): CAPTCHA_TOKEN})

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    assert [asked["response"] for asked in stand_in.requests] == [CAPTCHA_TOKEN]


def test_resume_with_a_refused_or_missing_token_sends_no_code(client, stubber, stand_in):
    stand_in.reply = SiteverifyReply(body=SITEVERIFY_REFUSED)

    refused = client.post("/signup/resume/", {"username": "carol", captcha.token_field(): "forged"})
    missing = client.post("/signup/resume/", {"username": "carol"})

    for response in (refused, missing):
        assert response.status_code == 200
        assert response.context["error_code"] == "captcha_failed"
        assertContains(response, 'value="carol"')
    assert len(stand_in.requests) == 1  # the missing token was never sent


def test_resume_fails_closed_when_siteverify_is_down(client, stubber, stand_in):
    stand_in.reply = SiteverifyReply(status=502, body=b"Bad gateway", content_type="text/plain")

    response = client.post("/signup/resume/", {"username": "carol", captcha.token_field(): CAPTCHA_TOKEN})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"


# --- The widget and the Content-Security-Policy ------------------------------------------------------------------


def test_the_widget_is_on_the_sign_up_and_resume_forms_only(client, stubber, stand_in):
    container = f'<div class="cf-turnstile" data-sitekey="{CAPTCHA_SITE_KEY}" data-language="en"></div>'
    script = f'<script src="{stand_in.script_url}" async defer></script>'
    for path in ("/signup/", "/signup/resume/"):
        page = client.get(path)
        assertContains(page, container, html=True)
        assertContains(page, script, html=True)
        # Chromium drops <noscript> content even with scripts switched off in Playwright, so it is checked here.
        assertContains(page, '<noscript><p class="notice">This check needs JavaScript.', count=1)
        assertContains(page, 'aria-labelledby="captcha-label"')
        html = page.content.decode()
        assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html), path  # no inline script, handler or style
        assert not re.search(r"\s(?:on[a-z]+|style)=\"", html), path

    expect_sign_up(stubber)
    client.post("/signup/", signed_up())
    for path in ("/signup/confirm/", "/healthz", "/no-such-page/"):
        assert b"cf-turnstile" not in client.get(path).content, path


def test_no_widget_when_the_captcha_is_off(client, settings):
    settings.SIGNUP_CAPTCHA = "off"
    for path in ("/signup/", "/signup/resume/"):
        assertNotContains(client.get(path), 'id="captcha"')


def test_the_csp_header_carries_the_widgets_origins_when_on(client, stand_in):
    csp = client.get("/signup/")["Content-Security-Policy"]

    assert f"script-src 'self' https://challenges.cloudflare.com {stand_in.origin}" in csp
    assert "frame-src 'self' https://challenges.cloudflare.com" in csp
    assert "unsafe-inline" not in csp


def test_the_csp_header_has_no_provider_origin_when_off(client):
    csp = client.get("/signup/")["Content-Security-Policy"]
    for origin in ("cloudflare", "hcaptcha", "google", "gstatic", "frame-src", "127.0.0.1"):
        assert origin not in csp


# --- Start-up: the settings module, as production reads it --------------------------------------------------------

BASE_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "https://amazon-cognito-assets.eu-west-1.amazoncognito.com"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
HCAPTCHA = ["'self'", "https://hcaptcha.com", "https://*.hcaptcha.com"]
PROVIDER_DIRECTIVES = {
    "turnstile": {
        "script-src": [*BASE_DIRECTIVES["script-src"], "https://challenges.cloudflare.com"],
        "frame-src": ["'self'", "https://challenges.cloudflare.com"],
    },
    "hcaptcha": {
        "script-src": [*BASE_DIRECTIVES["script-src"], *HCAPTCHA[1:]],
        "frame-src": HCAPTCHA,
        "style-src": HCAPTCHA,
        "connect-src": HCAPTCHA,
    },
    "recaptcha": {
        "script-src": [
            *BASE_DIRECTIVES["script-src"],
            "https://www.google.com/recaptcha/",
            "https://www.gstatic.com/recaptcha/",
        ],
        "frame-src": ["'self'", "https://www.google.com/recaptcha/", "https://recaptcha.google.com/recaptcha/"],
    },
}


@pytest.mark.parametrize("provider", sorted(PROVIDER_DIRECTIVES))
def test_the_policy_gains_exactly_the_providers_sources_at_start_up(provider):
    env = production_env(SIGNUP_CAPTCHA=provider, SIGNUP_CAPTCHA_SITE_KEY="site", SIGNUP_CAPTCHA_SECRET_KEY="secret")

    policy = cast(
        dict[str, dict[str, list[str]]], settings_in(env, "CONTENT_SECURITY_POLICY")["CONTENT_SECURITY_POLICY"]
    )

    assert policy["DIRECTIVES"] == {**BASE_DIRECTIVES, **PROVIDER_DIRECTIVES[provider]}


@pytest.mark.parametrize("missing", ["SIGNUP_CAPTCHA_SITE_KEY", "SIGNUP_CAPTCHA_SECRET_KEY"])
def test_a_provider_without_its_keys_stops_the_start_up(missing):
    keys = {"SIGNUP_CAPTCHA_SITE_KEY": "site", "SIGNUP_CAPTCHA_SECRET_KEY": "secret", missing: None}
    result = run_manage("check", env=production_env(SIGNUP_CAPTCHA="turnstile", **keys))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr
