"""Sign-in after sign-up and the passkey step, request by request (botocore's Stubber checks every parameter against
the real service model): SignUp's Session, ConfirmSignUp with it, InitiateAuth USER_AUTH with the confirmation's
Session, StartWebAuthnRegistration and CompleteWebAuthnRegistration with the access token, RevokeToken with the
refresh token. Whatever fails, the person reaches the done page with the account confirmed."""

from __future__ import annotations

import json
import logging
import re
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.stub import Stubber
from django.test import Client
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from signup import cognito, errors, sign_in
from signup.journey import TOKENS_KEY, journey_load
from tests.helpers import CLIENT_ID, CLIENT_SECRET, PASSWORD, SIGN_UP_RESPONSE, expect_sign_up, form_data

pytestmark = pytest.mark.django_db

SIGN_UP_SESSION = "AYABeSignUpSession" + "s" * 40
CONFIRM_SESSION = "AYABeConfirmSession" + "c" * 40
ACCESS_TOKEN = "eyJraWQiOiJhY2Nlc3MifQ.eyJzdWIiOiJhbGljZSJ9.access-signature"
REFRESH_TOKEN = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.refresh-token-opaque-part"
APP_NAME = "Example App"
RETURN_URL = "https://app.example.com/welcome"
AUTHENTICATION_RESULT = {
    "AccessToken": ACCESS_TOKEN,
    "IdToken": "eyJraWQiOiJpZCJ9.eyJzdWIiOiJhbGljZSJ9.id-signature",
    "RefreshToken": REFRESH_TOKEN,
    "ExpiresIn": 3600,
    "TokenType": "Bearer",
}
OPTIONS = {
    "rp": {"id": "example.com", "name": "Example"},
    "user": {"id": "YWxpY2U", "name": "alice", "displayName": "alice"},
    "challenge": "Y2hhbGxlbmdlLWNoYWxsZW5nZQ",
    "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
    "timeout": 60000,
    "excludeCredentials": [],
    "authenticatorSelection": {"residentKey": "required", "userVerification": "preferred"},
}
CREDENTIAL = {
    "id": "Y3JlZGVudGlhbC1pZA",
    "rawId": "Y3JlZGVudGlhbC1pZA",
    "type": "public-key",
    "authenticatorAttachment": "platform",
    "clientExtensionResults": {},
    "response": {"clientDataJSON": "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0", "attestationObject": "o2NmbXRkbm9uZQ"},
}
WEB_AUTHN_POOL = {"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}}}


@pytest.fixture
def passkeys(settings, monkeypatch):
    """SIGNUP_PASSKEYS=offer on a pool with WEB_AUTHN whose app client revokes tokens, and a return URL."""
    settings.SIGNUP_PASSKEYS = "offer"
    settings.SIGNUP_SIGN_IN_AFTER_CONFIRM = True
    settings.SIGNUP_APP_NAME = APP_NAME
    settings.SIGNUP_DEFAULT_RETURN_URL = RETURN_URL
    described = SimpleNamespace(pool=WEB_AUTHN_POOL, client={"EnableTokenRevocation": True})
    monkeypatch.setattr(
        sign_in,
        "pool",
        SimpleNamespace(
            user_pool_description=lambda **_: described.pool,
            user_pool_client_description=lambda **_: described.client,
        ),
    )
    return described


@pytest.fixture
def public_client_stubber(cognito_settings, settings):
    """The Stubber on an app client without a secret (set first: changing a COGNITO_ setting makes new clients)."""
    settings.COGNITO_CLIENT_SECRET = ""
    with Stubber(cognito.public_client()) as stub:
        yield stub
        stub.assert_no_pending_responses()


def no_failed_public_calls(caplog: pytest.LogCaptureFixture) -> bool:
    """The gateway logs every failed call; an unexpected (unstubbed) call the service swallows shows up here."""
    public = ("sign_up", "confirm_sign_up", "initiate_auth", "web_authn", "revoke_token", "resend")
    failed = [r.getMessage() for r in caplog.records if r.getMessage().startswith("cognito.call")]
    return not [line for line in failed if any(f"operation={name}" in line for name in public)]


def secret_hash(username: str = "alice") -> str:
    return cognito.secret_hash(username, CLIENT_ID, CLIENT_SECRET)


def expect_signed_up(stubber: Stubber, *, session: str | None = SIGN_UP_SESSION, secret: bool = True) -> None:
    stubber.add_response(
        "sign_up",
        {**SIGN_UP_RESPONSE, **({"Session": session} if session else {})},
        expected_params={
            "ClientId": CLIENT_ID,
            **({"SecretHash": secret_hash()} if secret else {}),
            "Username": "alice",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}],
            "UserContextData": {"IpAddress": "127.0.0.1"},
        },
    )


def expect_confirmed(stubber: Stubber, *, session: str | None = SIGN_UP_SESSION, secret: bool = True) -> None:
    params = {
        "ClientId": CLIENT_ID,
        "Username": "alice",
        "ConfirmationCode": "123456",
        "ForceAliasCreation": False,
        "UserContextData": {"IpAddress": "127.0.0.1"},
        **({"SecretHash": secret_hash()} if secret else {}),
        **({"Session": session} if session else {}),
    }
    # Without a Session to carry, Cognito has none to give back.
    stubber.add_response("confirm_sign_up", {"Session": CONFIRM_SESSION} if session else {}, expected_params=params)


def expect_signed_in(stubber: Stubber, *, secret: bool = True) -> None:
    parameters = {"USERNAME": "alice", **({"SECRET_HASH": secret_hash()} if secret else {})}
    stubber.add_response(
        "initiate_auth",
        {"ChallengeParameters": {}, "AuthenticationResult": AUTHENTICATION_RESULT},
        expected_params={
            "AuthFlow": "USER_AUTH",
            "ClientId": CLIENT_ID,
            "AuthParameters": parameters,
            "Session": CONFIRM_SESSION,
            "UserContextData": {"IpAddress": "127.0.0.1"},
        },
    )


def expect_revoked(stubber: Stubber, *, secret: bool = True) -> None:
    params = {"Token": REFRESH_TOKEN, "ClientId": CLIENT_ID, **({"ClientSecret": CLIENT_SECRET} if secret else {})}
    stubber.add_response("revoke_token", {}, expected_params=params)


def expect_started(stubber: Stubber) -> None:
    stubber.add_response(
        "start_web_authn_registration",
        {"CredentialCreationOptions": OPTIONS},
        expected_params={"AccessToken": ACCESS_TOKEN},
    )


def post_json(client: Client, url: str, payload: Any = None, **extra: Any) -> Any:
    return client.post(url, json.dumps(payload or {}), content_type="application/json", **extra)


def at_passkey_step(client: Client, stubber: Stubber, *, secret: bool = True) -> None:
    expect_signed_up(stubber, secret=secret)
    expect_confirmed(stubber, secret=secret)
    expect_signed_in(stubber, secret=secret)
    assertRedirects(client.post("/signup/", form_data()), "/signup/confirm/", fetch_redirect_response=False)
    response = client.post("/signup/confirm/", {"code": "123456"})
    assertRedirects(response, "/signup/passkey/", fetch_redirect_response=False)


def leave(client: Client, stubber: Stubber) -> None:
    """ "Not now": the step ends, the refresh token is revoked."""
    expect_revoked(stubber)
    assertRedirects(client.post("/signup/passkey/skip/"), "/signup/done/", fetch_redirect_response=False)


# --- The whole sequence ------------------------------------------------------------------------------------------


def test_sign_up_confirm_sign_in_register_and_revoke_send_exactly_these_requests(client, stubber, passkeys, caplog):
    at_passkey_step(client, stubber)
    page = client.get("/signup/passkey/")
    assertContains(page, "Create a passkey")
    assertContains(page, APP_NAME)

    expect_started(stubber)
    options = post_json(client, "/signup/passkey/options/")
    assert options.status_code == 200
    assert options.json() == {"ok": True, "options": OPTIONS}

    stubber.add_response(
        "complete_web_authn_registration", {}, expected_params={"AccessToken": ACCESS_TOKEN, "Credential": CREDENTIAL}
    )
    expect_revoked(stubber)
    registered = post_json(client, "/signup/passkey/register/", {"credential": CREDENTIAL})

    assert registered.status_code == 200
    assert registered.json() == {"ok": True, "message": "Your passkey is saved.", "next": "/signup/done/"}
    assert TOKENS_KEY not in client.session
    done = client.get("/signup/done/")
    assertContains(done, "Your passkey is saved.")
    assertContains(done, f'href="{RETURN_URL}"')
    assertContains(done, f"Continue to {APP_NAME}")
    assert no_failed_public_calls(caplog)


def test_a_client_without_a_secret_signs_in_and_revokes_without_one(client, public_client_stubber, passkeys, caplog):
    at_passkey_step(client, public_client_stubber, secret=False)
    expect_revoked(public_client_stubber, secret=False)

    response = client.post("/signup/passkey/skip/")

    assertRedirects(response, "/signup/done/", fetch_redirect_response=False)
    assert no_failed_public_calls(caplog)


def test_not_now_revokes_the_refresh_token_and_goes_to_the_done_page(client, stubber, passkeys, caplog):
    at_passkey_step(client, stubber)
    expect_revoked(stubber)

    response = client.post("/signup/passkey/skip/")

    assertRedirects(response, "/signup/done/", fetch_redirect_response=False)
    assert TOKENS_KEY not in client.session
    assert journey_load(client.session).passkey_offer is False
    done = client.get("/signup/done/")
    assertContains(done, f"Continue to {APP_NAME}")
    assertNotContains(done, "Your passkey is saved.")
    assertRedirects(client.get("/signup/passkey/"), "/signup/done/", fetch_redirect_response=False)
    assert no_failed_public_calls(caplog)


def test_the_offer_stays_until_it_ends_confirm_and_done_lead_back_to_it(client, stubber, passkeys):
    at_passkey_step(client, stubber)

    assertRedirects(client.get("/signup/confirm/"), "/signup/passkey/", fetch_redirect_response=False)
    assertRedirects(client.get("/signup/done/"), "/signup/passkey/", fetch_redirect_response=False)
    leave(client, stubber)


def test_a_client_that_does_not_revoke_tokens_is_not_asked_to(client, stubber, passkeys, monkeypatch, caplog):
    passkeys.client = {"EnableTokenRevocation": False}
    at_passkey_step(client, stubber)
    revoked = []
    monkeypatch.setattr(cognito, "revoke_refresh_token", lambda **kwargs: revoked.append(kwargs))

    assertRedirects(client.post("/signup/passkey/skip/"), "/signup/done/", fetch_redirect_response=False)

    assert revoked == []
    assert TOKENS_KEY not in client.session


def test_a_refused_revocation_is_logged_and_still_ends_the_step(client, stubber, passkeys, caplog):
    at_passkey_step(client, stubber)
    stubber.add_client_error("revoke_token", service_error_code="UnsupportedOperationException")

    with caplog.at_level(logging.INFO):
        response = client.post("/signup/passkey/skip/")

    assertRedirects(response, "/signup/done/", fetch_redirect_response=False)
    assert "operation=revoke_token aws_error=UnsupportedOperationException outcome=token_not_revoked" in caplog.text
    assert cognito.public_circuit()._consecutive == 0  # a refused revocation is no outage


def test_a_pool_without_passkeys_signs_in_revokes_at_once_and_offers_nothing(client, stubber, passkeys, caplog):
    passkeys.pool = {"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]}}}
    expect_signed_up(stubber)
    expect_confirmed(stubber)
    expect_signed_in(stubber)
    expect_revoked(stubber)
    client.post("/signup/", form_data())

    with caplog.at_level(logging.INFO):
        response = client.post("/signup/confirm/", {"code": "123456"})

    assertRedirects(response, "/signup/done/", fetch_redirect_response=False)
    assert "signup.passkey outcome=not_offered reason=pool_without_web_authn" in caplog.text
    assert TOKENS_KEY not in client.session


def test_sign_in_after_confirm_without_passkeys_revokes_at_once(client, stubber, settings, caplog):
    settings.SIGNUP_SIGN_IN_AFTER_CONFIRM = True
    expect_signed_up(stubber)
    expect_confirmed(stubber)
    expect_signed_in(stubber)
    expect_revoked(stubber)
    client.post("/signup/", form_data())

    response = client.post("/signup/confirm/", {"code": "123456"})

    assertRedirects(response, "/signup/done/", fetch_redirect_response=False)
    assert TOKENS_KEY not in client.session
    assert no_failed_public_calls(caplog)


def test_with_both_switches_off_confirm_still_carries_the_session_and_nothing_signs_in(client, stubber, caplog):
    expect_signed_up(stubber)
    expect_confirmed(stubber)
    client.post("/signup/", form_data())

    response = client.post("/signup/confirm/", {"code": "123456"})

    assertRedirects(response, "/signup/done/", fetch_redirect_response=False)
    assert journey_load(client.session).cognito_session == ""


# --- Skipping the offer quietly ---------------------------------------------------------------------------------


def confirmed_without_offer(client: Client, caplog: pytest.LogCaptureFixture) -> str:
    """Confirm; the person must land on the done page, confirmed, with nothing of a sign-in kept."""
    with caplog.at_level(logging.INFO, logger="signup.sign_in"):
        response = client.post("/signup/confirm/", {"code": "123456"})
    assertRedirects(response, "/signup/done/", fetch_redirect_response=False)
    journey = journey_load(client.session)
    assert journey.confirmed
    assert not journey.passkey_offer
    assert journey.cognito_session == ""
    assert TOKENS_KEY not in client.session
    assertContains(client.get("/signup/done/"), f"Continue to {APP_NAME}")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "signup.sign_in"]
    return line


def test_no_session_from_sign_up_means_no_sign_in(client, stubber, passkeys, caplog):
    expect_signed_up(stubber, session=None)
    expect_confirmed(stubber, session=None)
    client.post("/signup/", form_data())

    line = confirmed_without_offer(client, caplog)

    assert line.startswith("signup.sign_in outcome=skipped reason=no_session")


def test_a_resend_in_between_ends_the_session_so_confirm_sends_none(client, stubber, passkeys, settings, caplog):
    settings.SIGNUP_RESEND_COOLDOWN = 0
    expect_signed_up(stubber)
    client.post("/signup/", form_data())
    stubber.add_response(
        "resend_confirmation_code",
        {"CodeDeliveryDetails": SIGN_UP_RESPONSE["CodeDeliveryDetails"]},
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": secret_hash(),
            "Username": "alice",
            "UserContextData": {"IpAddress": "127.0.0.1"},
        },
    )
    assertRedirects(client.post("/signup/confirm/resend/"), "/signup/confirm/", fetch_redirect_response=False)
    expect_confirmed(stubber, session=None)

    line = confirmed_without_offer(client, caplog)

    assert "reason=no_session" in line


def test_confirm_that_returns_no_session_means_no_sign_in(client, stubber, passkeys, caplog):
    expect_signed_up(stubber)
    stubber.add_response("confirm_sign_up", {})
    client.post("/signup/", form_data())

    assert "reason=no_session" in confirmed_without_offer(client, caplog)


@pytest.mark.parametrize(
    ("aws_code", "message", "reason"),
    [
        ("NotAuthorizedException", "Invalid session for the user.", "sign_in_not_completed"),  # expired or used
        ("NotAuthorizedException", "USER_AUTH flow not enabled for this client", "sign_in_not_completed"),
        ("UserNotConfirmedException", "User is not confirmed.", "sign_in_not_completed"),
        ("InvalidUserPoolConfigurationException", "x", "sign_in_not_completed"),
        ("UnsupportedOperationException", "x", "sign_in_not_completed"),
        ("FeatureUnavailableInTierException", "x", "sign_in_not_completed"),
        ("PasswordResetRequiredException", "x", "sign_in_not_completed"),
        ("InvalidParameterException", "x", "invalid_parameter"),
        ("ResourceNotFoundException", "x", "cognito_misconfigured"),
        ("TooManyRequestsException", "x", "too_many_requests"),
        ("LimitExceededException", "x", "limit_exceeded"),
        ("InternalErrorException", "x", "cognito_internal_error"),
        ("SomethingNewException", "x", "cognito_bad_response"),
    ],
)
def test_any_sign_in_error_skips_the_offer_quietly_and_logs_why(
    client, stubber, passkeys, caplog, aws_code, message, reason
):
    expect_signed_up(stubber)
    expect_confirmed(stubber)
    stubber.add_client_error("initiate_auth", service_error_code=aws_code, service_message=message)
    client.post("/signup/", form_data())

    line = confirmed_without_offer(client, caplog)

    assert line.startswith(f"signup.sign_in outcome=skipped reason={reason} ")


def test_a_challenge_instead_of_tokens_skips_the_offer(client, stubber, passkeys, caplog):
    expect_signed_up(stubber)
    expect_confirmed(stubber)
    stubber.add_response(
        "initiate_auth", {"ChallengeName": "SELECT_CHALLENGE", "Session": "x" * 40, "ChallengeParameters": {}}
    )
    client.post("/signup/", form_data())

    assert "reason=sign_in_not_completed" in confirmed_without_offer(client, caplog)


def test_a_timed_out_sign_in_skips_the_offer(client, stubber, passkeys, caplog, monkeypatch):
    expect_signed_up(stubber)
    expect_confirmed(stubber)
    client.post("/signup/", form_data())

    def timeout(**_: Any) -> cognito.Tokens:
        raise errors.CognitoTimeout(detail="ReadTimeoutError")

    monkeypatch.setattr(cognito, "initiate_auth_with_session", timeout)

    assert "reason=cognito_timeout" in confirmed_without_offer(client, caplog)


# --- The passkey step's failures: stable codes, 4xx JSON, translated, never a 500 ---------------------------------

WEB_AUTHN_ERRORS = [
    ("WebAuthnRelyingPartyMismatchException", "passkey_relying_party_mismatch", False),
    ("WebAuthnOriginNotAllowedException", "passkey_origin_not_allowed", False),
    ("WebAuthnChallengeNotFoundException", "passkey_challenge_not_found", True),
    ("WebAuthnCredentialNotSupportedException", "passkey_not_supported", True),
    ("WebAuthnClientMismatchException", "passkey_client_mismatch", False),
    ("WebAuthnNotEnabledException", "passkeys_not_enabled", False),
    ("WebAuthnConfigurationMissingException", "passkeys_not_configured", False),
    ("LimitExceededException", "passkey_limit_exceeded", False),
    ("NotAuthorizedException", "passkey_sign_in_expired", False),
    ("InvalidParameterException", "passkey_invalid_credential", True),
]


def expected_message(code: str, language: str) -> str:
    error = errors.error_for_code(code)
    assert error is not None
    with translation.override(language):
        return str(error.message)


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize(("aws_code", "code", "retry"), WEB_AUTHN_ERRORS)
def test_every_error_completing_the_registration_is_a_4xx_with_our_code(
    client, stubber, passkeys, aws_code, code, retry, language
):
    at_passkey_step(client, stubber)
    stubber.add_client_error("complete_web_authn_registration", service_error_code=aws_code, service_message="x")

    response = post_json(client, "/signup/passkey/register/", {"credential": CREDENTIAL}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert response.json() == {"ok": False, "code": code, "message": expected_message(code, language), "retry": retry}
    if language != "en":
        assert response.json()["message"] != expected_message(code, "en")  # translated, not left in English
    assert journey_load(client.session).passkey_offer is True  # the person may try again or leave
    leave(client, stubber)


@pytest.mark.parametrize(("aws_code", "code", "retry"), WEB_AUTHN_ERRORS)
def test_every_error_starting_the_registration_is_a_4xx_with_our_code(client, stubber, passkeys, aws_code, code, retry):
    at_passkey_step(client, stubber)
    stubber.add_client_error("start_web_authn_registration", service_error_code=aws_code, service_message="x")

    response = post_json(client, "/signup/passkey/options/")

    assert response.status_code == 409
    assert response.json() == {"ok": False, "code": code, "message": expected_message(code, "en"), "retry": retry}
    leave(client, stubber)


@pytest.mark.parametrize(
    ("aws_code", "code", "status"),
    [
        ("TooManyRequestsException", "too_many_requests", 429),
        ("InternalErrorException", "cognito_internal_error", 503),
        ("ResourceNotFoundException", "cognito_misconfigured", 503),
        ("SomethingNewException", "cognito_bad_response", 503),
    ],
)
def test_cognito_being_unavailable_during_the_step_says_the_account_is_ready(
    client, stubber, passkeys, aws_code, code, status
):
    at_passkey_step(client, stubber)
    stubber.add_client_error("start_web_authn_registration", service_error_code=aws_code, service_message="x")

    response = post_json(client, "/signup/passkey/options/")

    assert response.status_code == status
    assert response.json() == {"ok": False, "code": code, "message": str(errors.PasskeyError.message), "retry": True}
    leave(client, stubber)


def test_a_failed_registration_can_be_tried_again(client, stubber, passkeys):
    at_passkey_step(client, stubber)
    stubber.add_client_error("complete_web_authn_registration", service_error_code="WebAuthnChallengeNotFoundException")
    assert post_json(client, "/signup/passkey/register/", {"credential": CREDENTIAL}).status_code == 400

    expect_started(stubber)
    stubber.add_response("complete_web_authn_registration", {})
    expect_revoked(stubber)

    assert post_json(client, "/signup/passkey/options/").status_code == 200
    assert post_json(client, "/signup/passkey/register/", {"credential": CREDENTIAL}).json()["ok"] is True


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"credential": "a string"}',
        b'{"credential": {"type": "password", "id": "x", "response": {}}}',
        b'{"credential": {"type": "public-key", "id": 1, "response": {}}}',
        b'{"credential": {"type": "public-key", "id": "x"}}',
        b'{"credential": {"type": "public-key", "id": "x", "response": {}, "pad": "' + b"x" * 70_000 + b'"}}',
    ],
    ids=["not-json", "list", "string", "wrong-type", "id-not-a-string", "no-response", "too-large"],
)
def test_something_that_is_not_a_credential_never_reaches_cognito(client, stubber, passkeys, body):
    at_passkey_step(client, stubber)

    response = client.post("/signup/passkey/register/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "passkey_invalid_credential"
    leave(client, stubber)


def test_the_json_calls_without_a_passkey_step_say_it_has_expired(client):
    for url in ("/signup/passkey/options/", "/signup/passkey/register/"):
        payload = {"credential": CREDENTIAL} if url.endswith("register/") else {}
        response = post_json(client, url, payload)
        assert response.status_code in (400, 409)
        assert response.json()["code"] == "passkey_sign_in_expired"
        assert response.json()["retry"] is False


def test_after_the_step_ended_the_options_are_refused(client, stubber, passkeys):
    at_passkey_step(client, stubber)
    leave(client, stubber)

    response = post_json(client, "/signup/passkey/options/")

    assert response.status_code == 409
    assert response.json()["code"] == "passkey_sign_in_expired"


def test_the_json_calls_need_the_csrf_token_in_a_header(stubber, passkeys):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/signup/")  # the page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    at_passkey_step_with_csrf(browser, stubber, token)

    assert post_json(browser, "/signup/passkey/options/").status_code == 403
    expect_started(stubber)
    assert post_json(browser, "/signup/passkey/options/", HTTP_X_CSRFTOKEN=token).status_code == 200
    expect_revoked(stubber)
    browser.post("/signup/passkey/skip/", {"csrfmiddlewaretoken": token})


def at_passkey_step_with_csrf(browser: Client, stubber: Stubber, token: str) -> None:
    expect_signed_up(stubber)
    expect_confirmed(stubber)
    expect_signed_in(stubber)
    browser.post("/signup/", {**form_data(), "csrfmiddlewaretoken": token})
    token = browser.cookies["csrftoken"].value  # a new session keeps the CSRF cookie
    response = browser.post("/signup/confirm/", {"code": "123456", "csrfmiddlewaretoken": token})
    assertRedirects(response, "/signup/passkey/", fetch_redirect_response=False)


def test_the_json_endpoints_take_only_post(client):
    for url in ("/signup/passkey/options/", "/signup/passkey/register/", "/signup/passkey/skip/"):
        assert client.get(url).status_code == 405


def test_the_passkey_page_without_a_journey_goes_to_the_sign_up(client):
    assertRedirects(client.get("/signup/passkey/"), "/signup/", fetch_redirect_response=False)


def test_the_page_carries_no_token_and_a_csrf_form_for_continue(client, stubber, passkeys):
    at_passkey_step(client, stubber)

    page = client.get("/signup/passkey/")

    body = page.content.decode()
    for secret in (ACCESS_TOKEN, REFRESH_TOKEN, CONFIRM_SESSION, SIGN_UP_SESSION):
        assert secret not in body
    assert re.search(r'<div id="passkey-step"[^>]*\shidden>', body)  # shown only by passkey.js
    assert 'name="csrfmiddlewaretoken"' in body
    assert "<script>" not in body  # no inline code (CSP)
    leave(client, stubber)


def test_starting_again_during_the_offer_revokes_the_tokens(client, stubber, passkeys):
    at_passkey_step(client, stubber)
    expect_revoked(stubber)

    assertRedirects(client.post("/signup/restart/"), "/signup/", fetch_redirect_response=False)

    assert TOKENS_KEY not in client.session


def test_a_second_sign_up_in_the_same_browser_revokes_what_the_first_left(client, stubber, passkeys, caplog):
    at_passkey_step(client, stubber)
    expect_sign_up(
        stubber, {**SIGN_UP_RESPONSE, "Session": SIGN_UP_SESSION}, Username="bob", SecretHash=secret_hash("bob")
    )
    client.post("/signup/", {**form_data(), "username": "bob"})
    stubber.add_response("confirm_sign_up", {})
    expect_revoked(stubber)  # alice's, left behind when bob signed up

    assertRedirects(client.post("/signup/confirm/", {"code": "123456"}), "/signup/done/", fetch_redirect_response=False)

    assert TOKENS_KEY not in client.session
    assert no_failed_public_calls(caplog)
