"""The pages, driven with Django's test client; Cognito is botocore's Stubber (requests checked against the model)."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from tests.helpers import PASSWORD, SIGN_UP_RESPONSE, expect_confirm, expect_sign_up, form_data

pytestmark = pytest.mark.django_db


def test_root_redirects_to_the_sign_up_form(client):
    assertRedirects(client.get("/"), "/signup/")


def test_the_form_has_real_labels_for_username_password_and_the_configured_email(client):
    response = client.get("/signup/")
    assertContains(response, '<label for="id_username">Username</label>', html=True)
    assertContains(response, '<label for="id_password">Password</label>', html=True)
    assertContains(response, 'for="id_email"')
    assertContains(response, 'autocomplete="new-password"')
    assertContains(response, 'name="encoded_data"')


def test_a_successful_sign_up_redirects_to_the_confirmation_page_which_shows_where_the_code_went(client, stubber):
    expect_sign_up(stubber)

    response = client.post("/signup/", form_data())

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    page = client.get("/signup/confirm/")
    assertContains(page, 'We sent a code by email to <bdi dir="ltr">a***@e***</bdi>')
    assertContains(page, "email address you gave")
    assertContains(page, 'autocomplete="one-time-code"')


def test_the_confirmation_page_survives_a_reload(client, stubber):
    expect_sign_up(stubber)
    client.post("/signup/", form_data())

    for _ in range(2):
        assertContains(client.get("/signup/confirm/"), "a***@e***")


def test_an_auto_confirmed_user_skips_the_code_step(client, stubber):
    expect_sign_up(stubber, response={"UserConfirmed": True, "UserSub": SIGN_UP_RESPONSE["UserSub"]})

    response = client.post("/signup/", form_data())

    assertRedirects(response, "/signup/done/", fetch_redirect_response=False)
    assertContains(client.get("/signup/done/"), "Your account is ready")
    assertContains(client.get("/signup/confirm/"), "Your account is ready")


def test_confirmation_page_without_a_sign_up_in_the_session_redirects_to_the_form(client):
    assertRedirects(client.get("/signup/confirm/"), "/signup/")
    assertRedirects(client.get("/signup/done/"), "/signup/", fetch_redirect_response=False)


def test_the_browsers_risk_data_and_analytics_endpoint_reach_cognito(client, stubber):
    expect_sign_up(
        stubber,
        UserContextData={"IpAddress": "127.0.0.1", "EncodedData": "eyJyaXNrIjoiZGF0YSJ9"},
        AnalyticsMetadata={"AnalyticsEndpointId": "abc-123"},
    )

    response = client.post("/signup/", form_data(encoded_data="eyJyaXNrIjoiZGF0YSJ9", analytics_endpoint_id="abc-123"))

    stubber.assert_no_pending_responses()  # the SignUp above, with EncodedData and AnalyticsMetadata, was sent
    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)


def test_an_invalid_analytics_endpoint_id_is_dropped_not_sent(client, stubber):
    expect_sign_up(stubber)
    response = client.post("/signup/", form_data(analytics_endpoint_id="<script>"))
    assert response.status_code == 302


def test_the_ip_comes_from_x_forwarded_for_only_through_a_trusted_proxy(client, stubber, settings):
    settings.DJANGO_TRUSTED_PROXY_COUNT = 1
    expect_sign_up(stubber, UserContextData={"IpAddress": "203.0.113.7"})

    response = client.post("/signup/", form_data(), HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")

    stubber.assert_no_pending_responses()  # the SignUp above, with the proxy's client IP, was sent
    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)


def test_a_forged_x_forwarded_for_is_ignored_without_trusted_proxies(client, stubber):
    expect_sign_up(stubber)  # IpAddress stays REMOTE_ADDR, 127.0.0.1

    response = client.post("/signup/", form_data(), HTTP_X_FORWARDED_FOR="6.6.6.6")

    stubber.assert_no_pending_responses()  # the SignUp above, with 127.0.0.1 and not 6.6.6.6, was sent
    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"username": ""}, "username", "required"),
        ({"username": "ali ce"}, "username", "username_whitespace"),
        ({"username": "a" * 129}, "username", "max_length"),
        ({"password": ""}, "password", "required"),
        ({"password": "x" * 257}, "password", "password_too_long"),
        ({"password": "short"}, "password", "password_too_short"),
        ({"email": "not-an-email"}, "email", "invalid"),
        ({"email": ""}, "email", "required"),
        ({"email": "a@" + "b" * 2050 + ".com"}, "email", "too_long"),
    ],
)
def test_local_validation_errors_land_on_the_field_keep_the_values_and_never_call_cognito(
    client, stubber, overrides, field, code
):
    data = form_data(**overrides)
    response = client.post("/signup/", data)

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert [error.code for error in errors[field]] == [code]
    for kept in ("username", "email"):
        if kept != field and data[kept]:
            assertContains(response, f'value="{data[kept]}"')
    assertNotContains(response, PASSWORD)
    assertContains(response, 'aria-invalid="true"')


@pytest.mark.parametrize(
    ("aws_code", "field", "code", "status"),
    [
        ("UsernameExistsException", "username", "username_exists", 200),
        ("InvalidPasswordException", "password", "invalid_password", 200),
        ("InvalidParameterException", None, "invalid_parameter", 200),
        ("TooManyRequestsException", None, "too_many_requests", 429),
        ("LimitExceededException", None, "limit_exceeded", 429),
        ("NotAuthorizedException", None, "cognito_misconfigured", 503),
        ("ResourceNotFoundException", None, "cognito_misconfigured", 503),
        ("UnexpectedLambdaException", None, "cognito_trigger_failed", 503),
        ("InternalErrorException", None, "cognito_internal_error", 503),
    ],
)
def test_cognito_errors_land_where_the_user_can_act_with_values_kept(client, stubber, aws_code, field, code, status):
    stubber.add_client_error("sign_up", service_error_code=aws_code, service_message="Cognito says no")

    response = client.post("/signup/", form_data())

    assert response.status_code == status
    form_errors = response.context["form"].errors.as_data()
    assert [error.code for error in form_errors.get(field or "__all__", [])] == [code]
    assertContains(response, 'value="alice"', status_code=status)
    assertContains(response, 'value="alice@example.com"', status_code=status)
    assertNotContains(response, PASSWORD, status_code=status)
    assertNotContains(response, "Cognito says no", status_code=status)
    if status in (429, 503):
        assert int(response["Retry-After"]) > 0


def test_invalid_parameter_naming_the_attribute_lands_on_that_field(client, stubber):
    stubber.add_client_error(
        "sign_up",
        service_error_code="InvalidParameterException",
        service_message="Attributes did not conform to the schema: email: The attribute is required",
    )
    response = client.post("/signup/", form_data())
    assert [error.code for error in response.context["form"].errors.as_data()["email"]] == ["invalid_attribute"]


def test_a_taken_username_offers_the_way_back_to_the_code_step(client, stubber):
    stubber.add_client_error("sign_up", service_error_code="UsernameExistsException")
    response = client.post("/signup/", form_data())
    assertContains(response, 'href="/signup/resume/"')


def test_an_unreachable_cognito_answers_503_with_the_values_kept(client, unreachable_cognito, caplog):
    response = client.post("/signup/", form_data())

    assert response.status_code == 503
    assertContains(response, "Sign-up is unavailable right now", status_code=503)
    assertContains(response, 'value="alice@example.com"', status_code=503)
    assert response["Retry-After"]
    assert any("cognito_unreachable" in record.getMessage() for record in caplog.records)


def test_healthz_answers_for_load_balancers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_sign_up_and_confirm_pages_are_never_cached(client):
    assert "no-store" in client.get("/signup/")["Cache-Control"]


def test_the_empty_form_rendered_once_still_follows_configuration_and_language(client):
    from signup.models import AttributeField

    first = client.get("/signup/")
    assertContains(client.get("/signup/"), 'for="id_email"')
    assertNotContains(first, "Favourite colour")

    AttributeField.objects.create(attribute_name="custom:colour", label="Favourite colour", position=99)
    assertContains(client.get("/signup/"), "Favourite colour")

    german = client.get("/signup/", HTTP_ACCEPT_LANGUAGE="de")
    assertContains(german, "Benutzername")
    assertContains(client.get("/signup/", HTTP_ACCEPT_LANGUAGE="en"), ">Username<")


@pytest.fixture
def planted_session_id(settings) -> str:
    """A session id an attacker obtained from the portal and planted in the victim's browser."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session["planted"] = True
    session.create()
    return session.session_key


def test_a_planted_session_id_does_not_follow_the_victims_sign_up_or_confirmation(
    client, stubber, settings, planted_session_id
):
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted_session_id
    client.cookies[settings.SESSION_COOKIE_NAME] = planted_session_id
    expect_sign_up(stubber)

    assertRedirects(client.post("/signup/", form_data()), "/signup/confirm/", fetch_redirect_response=False)
    signed_up_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assertRedirects(attacker.get("/signup/confirm/"), "/signup/")
    attacker.cookies[settings.SESSION_COOKIE_NAME] = signed_up_key  # say the attacker saw this one too
    expect_confirm(stubber)

    assertRedirects(client.post("/signup/confirm/", {"code": "123456"}), "/signup/done/", fetch_redirect_response=False)

    assert signed_up_key != planted_session_id
    assert client.cookies[settings.SESSION_COOKIE_NAME].value not in (planted_session_id, signed_up_key)
    assertContains(client.get("/signup/done/"), "Your account is ready")
    assertRedirects(attacker.get("/signup/done/"), "/signup/", fetch_redirect_response=False)
