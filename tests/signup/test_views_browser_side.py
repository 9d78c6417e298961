"""What the pages give the browser and take from it: the password policy, risk data on every form, languages."""

from __future__ import annotations

import pytest
from botocore.stub import ANY
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from signup import pool
from signup.models import SignUpRecord
from tests.helpers import CLIENT_ID, PASSWORD, SIGN_UP_RESPONSE, expect_sign_up, form_data

pytestmark = pytest.mark.django_db

STRICT_POOL = {
    "Policies": {
        "PasswordPolicy": {
            "MinimumLength": 12,
            "RequireUppercase": True,
            "RequireLowercase": True,
            "RequireNumbers": True,
            "RequireSymbols": True,
        }
    }
}


@pytest.fixture
def strict_pool(monkeypatch):
    monkeypatch.setattr(pool, "user_pool_description", lambda: STRICT_POOL)


@pytest.fixture
def unreadable_pool(monkeypatch):
    monkeypatch.setattr(pool, "user_pool_description", lambda: None)


# --- Password --------------------------------------------------------------------------------------------------


def test_the_pools_password_rules_are_listed_up_front_and_describe_the_field(client, strict_pool):
    response = client.get("/signup/")

    for rule in ("At least 12 characters", "An uppercase letter", "A lowercase letter", "A number", "A symbol"):
        assertContains(response, rule)
    assertContains(response, 'aria-describedby="id_password_helptext"')
    assertContains(response, 'id="id_password_helptext"')
    assertContains(response, 'autocomplete="new-password"')
    assertNotContains(response, "Show password</button>")  # the toggle is created by the script only


def test_a_password_breaking_the_pools_rules_is_refused_before_cognito_is_called(client, stubber, strict_pool):
    response = client.post("/signup/", form_data(password="lowercase-only"))

    codes = [error.code for error in response.context["form"].errors.as_data()["password"]]
    assert codes == ["password_no_uppercase", "password_no_number"]
    assertContains(response, "Add an uppercase letter")


def test_without_a_readable_pool_the_settings_rules_apply(client, stubber, unreadable_pool, settings):
    settings.SIGNUP_PASSWORD_REQUIRE_NUMBERS = True

    response = client.post("/signup/", form_data(password="no-numbers-here"))

    assert [e.code for e in response.context["form"].errors.as_data()["password"]] == ["password_no_number"]


def test_cognitos_own_password_rejection_is_shown_in_our_words(client, stubber, unreadable_pool):
    stubber.add_client_error("sign_up", service_error_code="InvalidPasswordException", service_message="Nope")

    response = client.post("/signup/", form_data())

    assertContains(response, "This password does not meet the password rules.")
    assertNotContains(response, "Nope")


def test_there_is_no_second_password_field_by_default(client, unreadable_pool):
    assertNotContains(client.get("/signup/"), 'name="password_again"')


def test_a_setting_asks_for_the_password_twice(client, stubber, unreadable_pool, settings):
    settings.SIGNUP_CONFIRM_PASSWORD = True

    page = client.get("/signup/")
    assertContains(page, '<label for="id_password_again">Type it again</label>', html=True)
    assertContains(page, '<label for="id_password">Password</label>', html=True)

    response = client.post("/signup/", form_data(password_again=PASSWORD + "x"))
    assert [e.code for e in response.context["form"].errors.as_data()["password_again"]] == ["password_mismatch"]

    expect_sign_up(stubber)
    assertRedirects(
        client.post("/signup/", form_data(password_again=PASSWORD)), "/signup/confirm/", fetch_redirect_response=False
    )


# --- Risk data -------------------------------------------------------------------------------------------------


# These fixtures come before `stubber` in a test's arguments: changing a COGNITO_* setting replaces the clients.
@pytest.fixture
def risk_data_off(settings):
    settings.COGNITO_USER_CONTEXT_DATA = False


@pytest.fixture
def risk_data_on(settings):
    settings.COGNITO_USER_CONTEXT_DATA = True
    settings.COGNITO_CONTEXT_DATA_SCRIPT_URL = "https://amazon-cognito-assets.eu-west-1.amazoncognito.com/x.min.js"


def signed_up(client, stubber):
    expect_sign_up(stubber)
    client.post("/signup/", form_data())


def test_every_form_page_loads_the_risk_script_and_carries_the_hidden_field(client, risk_data_on, stubber):
    script = '<script src="https://amazon-cognito-assets.eu-west-1.amazoncognito.com/x.min.js" async></script>'
    for url in ("/signup/", "/signup/resume/"):
        page = client.get(url)
        assertContains(page, script, html=True)
        assertContains(page, 'name="encoded_data"')
    signed_up(client, stubber)
    page = client.get("/signup/confirm/")
    assertContains(page, script, html=True)
    assertContains(page, 'name="encoded_data"', count=2)  # the code form and the resend form
    assertNotContains(page, "alice")  # the script keeps the typed username in the tab; the page shows none


def test_no_risk_script_when_it_is_switched_off(client, risk_data_off):
    assertNotContains(client.get("/signup/"), "amazon-cognito-assets")


def test_confirm_and_resend_forward_the_risk_data(client, stubber, settings):
    settings.SIGNUP_RESEND_COOLDOWN = 0
    signed_up(client, stubber)
    context = {"IpAddress": "127.0.0.1", "EncodedData": "resend-data"}
    stubber.add_response(
        "resend_confirmation_code",
        {"CodeDeliveryDetails": SIGN_UP_RESPONSE["CodeDeliveryDetails"]},
        {"ClientId": CLIENT_ID, "SecretHash": ANY, "Username": "alice", "UserContextData": context},
    )
    client.post("/signup/confirm/resend/", {"encoded_data": "resend-data"})
    stubber.add_response(
        "confirm_sign_up",
        {},
        {
            "ClientId": CLIENT_ID,
            "SecretHash": ANY,
            "Username": "alice",
            "ConfirmationCode": "123456",
            "ForceAliasCreation": False,
            "UserContextData": {"IpAddress": "127.0.0.1", "EncodedData": "confirm-data"},
        },
    )
    response = client.post("/signup/confirm/", {"code": "123456", "encoded_data": "confirm-data"})
    assertRedirects(response, "/signup/done/", fetch_redirect_response=False)


def test_resume_forwards_the_risk_data(client, stubber):
    stubber.add_response(
        "resend_confirmation_code",
        {"CodeDeliveryDetails": SIGN_UP_RESPONSE["CodeDeliveryDetails"]},
        {
            "ClientId": CLIENT_ID,
            "SecretHash": ANY,
            "Username": "alice",
            "UserContextData": {"IpAddress": "127.0.0.1", "EncodedData": "resume-data"},
        },
    )
    response = client.post("/signup/resume/", {"username": "alice", "encoded_data": "resume-data"})
    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)


def test_sign_ups_are_recorded_with_and_without_risk_data_when_it_is_collected(client, risk_data_on, stubber, caplog):
    expect_sign_up(stubber, UserContextData={"IpAddress": "127.0.0.1", "EncodedData": "data"})
    client.post("/signup/", form_data(encoded_data="data"))
    expect_sign_up(stubber)
    client.post("/signup/", form_data())

    assert sorted(SignUpRecord.objects.values_list("risk_data", flat=True)) == [False, True]
    absent = [r.getMessage() for r in caplog.records if "risk_data=absent" in r.getMessage()]
    sub = SIGN_UP_RESPONSE["UserSub"]
    assert absent == [f"signup.register outcome=success user_sub={sub} confirmed=False risk_data=absent"]
    present = [r.getMessage() for r in caplog.records if "risk_data=present" in r.getMessage()]
    assert present == [f"signup.register outcome=success user_sub={sub} confirmed=False risk_data=present"]


def test_no_absence_is_logged_when_risk_data_is_not_collected(client, risk_data_off, stubber, caplog):
    expect_sign_up(stubber)
    client.post("/signup/", form_data())

    assert not any("risk_data=absent" in r.getMessage() for r in caplog.records)
    assert any(r.getMessage().endswith("risk_data=not_collected") for r in caplog.records)
    assert SignUpRecord.objects.get().risk_data is False
