"""Passwordless sign-up (SIGNUP_PASSWORD=none|optional): the form without a Password control, SignUp without a
`Password` member (botocore's Stubber checks the exact request against the service model), a refusal by a pool that
needs passwords, and the checks that say what the pool must allow."""

from __future__ import annotations

import pytest
from botocore.stub import ANY
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from signup import cognito, pool_checks
from signup.cognito import SignUpRequest
from signup.forms import SignUpForm
from tests.helpers import CLIENT_ID, PASSWORD, SIGN_UP_RESPONSE, form_data

pytestmark = pytest.mark.django_db

WITHOUT_PASSWORD = {
    "ClientId": CLIENT_ID,
    "SecretHash": ANY,
    "Username": "alice",
    "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}],
    "UserContextData": {"IpAddress": "127.0.0.1"},
}


def expect_sign_up_without_password(stubber) -> None:
    stubber.add_response("sign_up", SIGN_UP_RESPONSE, expected_params=WITHOUT_PASSWORD)


def without(data: dict[str, str], name: str) -> dict[str, str]:
    return {key: value for key, value in data.items() if key != name}


# --- SIGNUP_PASSWORD=none -----------------------------------------------------------------------------------------


def test_without_passwords_the_form_has_no_password_checklist_show_button_or_second_password(client, settings):
    settings.SIGNUP_PASSWORD = "none"
    settings.SIGNUP_CONFIRM_PASSWORD = True

    page = client.get("/signup/")

    assert list(page.context["form"].visible_fields()) == [
        page.context["form"]["username"],
        page.context["form"]["email"],
    ]
    for absent in ('type="password"', 'id="password-rules"', "data-password-toggle", "Show password", "Type it again"):
        assertNotContains(page, absent)
    assertContains(page, '<label for="id_username">Username</label>', html=True)


def test_without_passwords_sign_up_is_sent_with_no_password_member_at_all(client, stubber, settings):
    settings.SIGNUP_PASSWORD = "none"
    expect_sign_up_without_password(stubber)

    response = client.post("/signup/", without(form_data(), "password"))

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    assertContains(client.get("/signup/confirm/"), 'We sent a code by email to <bdi dir="ltr">a***@e***</bdi>')


def test_without_passwords_a_posted_password_is_ignored_not_sent(client, stubber, settings):
    settings.SIGNUP_PASSWORD = "none"
    expect_sign_up_without_password(stubber)

    response = client.post("/signup/", form_data(password="sent-by-a-stale-page"))

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)


def test_the_gateway_sends_a_passwordless_request_the_service_model_accepts(stubber):
    stubber.add_response("sign_up", SIGN_UP_RESPONSE, expected_params={**without(WITHOUT_PASSWORD, "UserContextData")})

    result = cognito.sign_up(
        SignUpRequest(username="alice", password=None, user_attributes=(("email", "alice@example.com"),))
    )

    assert result.user_sub == SIGN_UP_RESPONSE["UserSub"]


def test_the_built_request_has_no_password_key_and_the_redacted_one_none_either(cognito_settings):
    request = cognito.build_sign_up_request(SignUpRequest(username="alice", password=None))

    assert "Password" not in request
    assert "Password" not in cognito.redact_request(request)


def test_the_admin_preview_shows_the_request_without_a_password(admin_client, cognito_settings, settings):
    settings.SIGNUP_PASSWORD = "none"

    response = admin_client.get("/admin/signup/attributefield/preview/")

    assertContains(response, 'id="signup-request"')
    assertNotContains(response, '"Password"')
    assertNotContains(response, 'id="id_password"')


# --- SIGNUP_PASSWORD=optional -------------------------------------------------------------------------------------


def test_an_optional_password_is_labelled_optional_and_keeps_its_checklist(client, settings):
    settings.SIGNUP_PASSWORD = "optional"

    page = client.get("/signup/")

    assertContains(
        page, '<label for="id_password">Password <span class="optional">(optional)</span></label>', html=True
    )
    assertContains(page, 'id="password-rules"')
    assertContains(page, "data-password-toggle")
    assert page.context["form"].fields["password"].required is False


def test_an_optional_password_left_empty_is_not_sent(client, stubber, settings):
    settings.SIGNUP_PASSWORD = "optional"
    expect_sign_up_without_password(stubber)

    response = client.post("/signup/", form_data(password=""))

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)


def test_an_optional_password_that_was_typed_is_sent_as_typed(client, stubber, settings):
    settings.SIGNUP_PASSWORD = "optional"
    stubber.add_response("sign_up", SIGN_UP_RESPONSE, expected_params={**WITHOUT_PASSWORD, "Password": f" {PASSWORD} "})

    response = client.post("/signup/", form_data(password=f" {PASSWORD} "))

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)


def test_an_optional_password_that_was_typed_must_still_meet_the_rules(client, settings):
    settings.SIGNUP_PASSWORD = "optional"

    response = client.post("/signup/", form_data(password="short"))

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["password"]] == ["password_too_short"]


def test_an_optional_password_typed_twice_must_match_and_may_be_left_out_twice(settings):
    data = without(form_data(), "password")
    options = {"confirm_password": True, "password_mode": "optional"}

    mismatch = SignUpForm({**data, "password": PASSWORD, "password_again": "other"}, **options)
    empty = SignUpForm({**data, "password": "", "password_again": ""}, **options)

    assert not mismatch.is_valid()
    assert [e.code for e in mismatch.errors.as_data()["password_again"]] == ["password_mismatch"]
    assert empty.is_valid(), empty.errors
    assert empty.password_value() is None
    assert empty.sign_up_request().password is None


@pytest.mark.parametrize(
    ("mode", "posted", "sent"),
    [
        ("required", PASSWORD, PASSWORD),
        ("optional", PASSWORD, PASSWORD),
        ("optional", "", None),
        ("none", PASSWORD, None),
        ("none", "", None),
    ],
)
def test_the_password_sent_follows_the_mode(mode, posted, sent):
    form = SignUpForm({"username": "alice", "password": posted}, password_mode=mode)

    assert form.is_valid(), form.errors
    assert form.password_value() == sent


# --- A pool that needs passwords ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("aws_code", "message"),
    [
        ("InvalidParameterException", "Password is required: the user pool has no passwordless sign-in."),
        ("InvalidPasswordException", "Password did not conform with policy: Password not long enough"),
    ],
)
def test_a_pool_that_needs_passwords_is_an_operators_problem_without_passwords(
    client, stubber, settings, caplog, aws_code, message
):
    settings.SIGNUP_PASSWORD = "none"
    stubber.add_client_error("sign_up", service_error_code=aws_code, service_message=message)

    response = client.post("/signup/", without(form_data(), "password"))

    assert response.status_code == 503
    assert response["Retry-After"]
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == ["passwordless_not_enabled"]
    assertContains(response, "Sign-up is unavailable right now.", status_code=503)
    assert "outcome=password_needed mode=none" in caplog.text


def test_a_pool_that_needs_passwords_asks_for_one_when_it_is_optional(client, stubber, settings):
    settings.SIGNUP_PASSWORD = "optional"
    stubber.add_client_error(
        "sign_up", service_error_code="InvalidParameterException", service_message="Password is required."
    )

    response = client.post("/signup/", form_data(password=""))

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["password"]] == ["password_needed"]
    assertContains(response, "Choose a password: this account cannot be created without one.")


@pytest.mark.parametrize(
    ("message", "field", "code"),
    [
        ("Invalid email address format.", "__all__", "invalid_parameter"),
        ("Attributes did not conform to the schema: email: The attribute is required", "email", "invalid_attribute"),
    ],
)
def test_other_refusals_of_a_passwordless_sign_up_keep_their_own_meaning(
    client, stubber, settings, message, field, code
):
    settings.SIGNUP_PASSWORD = "none"
    stubber.add_client_error("sign_up", service_error_code="InvalidParameterException", service_message=message)

    response = client.post("/signup/", without(form_data(), "password"))

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()[field]] == [code]


def test_a_password_refused_when_one_was_typed_stays_a_password_error(client, stubber, settings):
    settings.SIGNUP_PASSWORD = "optional"
    stubber.add_client_error(
        "sign_up", service_error_code="InvalidPasswordException", service_message="Password not long enough"
    )

    response = client.post("/signup/", form_data())

    assert [e.code for e in response.context["form"].errors.as_data()["password"]] == ["invalid_password"]


# --- What the pool must allow: the findings -----------------------------------------------------------------------

PASSWORD_ONLY = {"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]}}}
WITH_EMAIL_OTP = {"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}}
WITH_SMS_OTP = {"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP"]}}}
OTP_ONLY = {"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["EMAIL_OTP"]}}}
NO_SIGN_IN_POLICY = {"Policies": {"PasswordPolicy": {"MinimumLength": 8}}}
USER_AUTH = {"ExplicitAuthFlows": ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}
NO_USER_AUTH = {"ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}


@pytest.mark.parametrize(
    ("mode", "user_pool", "client", "ids"),
    [
        ("required", PASSWORD_ONLY, NO_USER_AUTH, []),
        ("required", NO_SIGN_IN_POLICY, NO_USER_AUTH, []),
        ("required", WITH_EMAIL_OTP, USER_AUTH, []),
        ("required", OTP_ONLY, USER_AUTH, ["signup.W020"]),
        ("none", WITH_EMAIL_OTP, USER_AUTH, []),
        ("optional", WITH_SMS_OTP, USER_AUTH, []),
        ("none", OTP_ONLY, USER_AUTH, []),
        ("none", PASSWORD_ONLY, USER_AUTH, ["signup.W021"]),
        ("optional", NO_SIGN_IN_POLICY, USER_AUTH, ["signup.W021"]),
        ("none", WITH_EMAIL_OTP, NO_USER_AUTH, ["signup.W022"]),
        ("optional", PASSWORD_ONLY, {}, ["signup.W021", "signup.W022"]),
    ],
)
def test_the_password_findings_say_what_the_pool_and_client_lack(settings, mode, user_pool, client, ids):
    settings.SIGNUP_PASSWORD = mode

    assert [finding.id for finding in pool_checks.password_findings(user_pool, client)] == ids


def test_each_finding_says_exactly_what_to_change(settings):
    settings.SIGNUP_PASSWORD = "none"
    w021, w022 = pool_checks.password_findings(PASSWORD_ONLY, NO_USER_AUTH)
    settings.SIGNUP_PASSWORD = "required"
    (w020,) = pool_checks.password_findings(OTP_ONLY, USER_AUTH)

    assert w021.message == "SIGNUP_PASSWORD=none needs EMAIL_OTP or SMS_OTP among the pool's first sign-in factors."
    assert "Policies.SignInPolicy.AllowedFirstAuthFactors" in w021.hint
    assert "SIGNUP_PASSWORD=required" in w021.hint
    assert w022.message == "SIGNUP_PASSWORD=none needs an app client that allows ALLOW_USER_AUTH."
    assert w022.hint == "Add ALLOW_USER_AUTH to the app client's ExplicitAuthFlows."
    assert "does not allow passwords" in w020.message
    assert w020.hint == "Add PASSWORD to the pool's AllowedFirstAuthFactors, or set SIGNUP_PASSWORD=optional or none."
