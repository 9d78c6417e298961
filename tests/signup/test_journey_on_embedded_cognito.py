"""The whole journey over real HTTP against the embedded local Cognito (moto in server mode on loopback, behind
localcognito's middleware, which checks secret hashes and real codes the way Cognito does)."""

from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertRedirects

from tests.helpers import unique_username

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-9"


def sign_up(client, username, **extra):
    data = {"username": username, "password": PASSWORD, "email": f"{username}@example.com", **extra}
    return client.post("/signup/", data, REMOTE_ADDR="203.0.113.50")


def test_sign_up_creates_the_user_in_the_pool_with_its_attributes(client, local_cognito, admin_cognito, local_pool):
    username = unique_username()

    response = sign_up(client, username, encoded_data="risk-data-from-browser")

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    user = admin_cognito.admin_get_user(UserPoolId=local_pool.user_pool_id, Username=username)
    attributes = {item["Name"]: item["Value"] for item in user["UserAttributes"]}
    assert attributes["email"] == f"{username}@example.com"
    assert user["UserStatus"] == "UNCONFIRMED"
    page = client.get("/signup/confirm/")
    assertContains(page, "We sent a code by email to")
    assertContains(page, f"{username[0]}***@e***")

    (request,) = [r for r in local_cognito.requests if r.operation == "SignUp"]
    assert request.params["UserContextData"] == {"IpAddress": "203.0.113.50", "EncodedData": "risk-data-from-browser"}
    assert request.params["SecretHash"]


def test_a_second_sign_up_with_the_same_username_is_told_it_is_taken(client, local_cognito):
    username = unique_username()
    sign_up(client, username)

    response = sign_up(client, username)

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["username"]] == ["username_exists"]


def test_the_whole_journey_wrong_code_resend_right_code_done(
    client, local_cognito, local_pool, admin_cognito, settings
):
    settings.SIGNUP_RESEND_COOLDOWN = 0
    username = unique_username()
    sign_up(client, username)
    first_code = local_cognito.latest_code(local_pool.user_pool_id, username)
    assert first_code

    wrong = "000000" if first_code != "000000" else "111111"
    response = client.post("/signup/confirm/", {"code": wrong}, follow=True)
    assertRedirects(response, "/signup/confirm/")
    assert response.context["page_error"].code == "code_mismatch"

    assertRedirects(client.post("/signup/confirm/resend/"), "/signup/confirm/", fetch_redirect_response=False)
    second_code = local_cognito.latest_code(local_pool.user_pool_id, username)
    assert second_code

    assertRedirects(
        client.post("/signup/confirm/", {"code": second_code}), "/signup/done/", fetch_redirect_response=False
    )
    assertContains(client.get("/signup/done/"), "Your account is ready")
    user = admin_cognito.admin_get_user(UserPoolId=local_pool.user_pool_id, Username=username)
    assert user["UserStatus"] == "CONFIRMED"


def test_a_wrong_secret_is_refused_by_the_local_cognito_like_the_real_one(client, local_cognito, settings):
    settings.COGNITO_CLIENT_SECRET = "not-the-real-secret"

    response = sign_up(client, unique_username())

    assert response.status_code == 503
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == ["cognito_misconfigured"]


def test_confirm_and_resend_act_on_the_session_username_whatever_is_posted(client, local_cognito, local_pool, settings):
    settings.SIGNUP_RESEND_COOLDOWN = 0
    mine, theirs = unique_username(), unique_username()
    sign_up(client.__class__(), theirs)
    sign_up(client, mine)
    local_cognito.clear_requests()

    client.post("/signup/confirm/resend/", {"username": theirs})
    code = local_cognito.latest_code(local_pool.user_pool_id, mine)
    client.post("/signup/confirm/", {"code": code, "username": theirs})

    assert [(r.operation, r.params["Username"]) for r in local_cognito.requests] == [
        ("ResendConfirmationCode", mine),
        ("ConfirmSignUp", mine),
    ]


def test_coming_back_in_a_fresh_session_reaches_the_code_step_with_only_the_masked_address(
    client, local_cognito, local_pool, admin_cognito, settings
):
    settings.SIGNUP_RESEND_COOLDOWN = 0  # the per-username cooldown would (rightly) hold this right after sign-up
    username = unique_username()
    sign_up(client.__class__(), username)
    local_cognito.clear_requests()

    response = client.post("/signup/resume/", {"username": username})

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    page = client.get("/signup/confirm/")
    assertContains(page, f'We sent a code by email to <bdi dir="ltr">{username[0]}***@e***</bdi>')
    assert "example.com" not in page.content.decode()
    code = local_cognito.latest_code(local_pool.user_pool_id, username)
    assertRedirects(client.post("/signup/confirm/", {"code": code}), "/signup/done/", fetch_redirect_response=False)
    assert admin_cognito.admin_get_user(UserPoolId=local_pool.user_pool_id, Username=username)["UserStatus"] == (
        "CONFIRMED"
    )


def test_coming_back_for_a_confirmed_username_says_it_can_sign_in_and_for_an_unknown_one_that_none_waits(
    client, local_cognito, local_pool, settings
):
    settings.SIGNUP_RESEND_COOLDOWN = 0
    confirmed = unique_username()
    other = client.__class__()
    sign_up(other, confirmed)
    other.post("/signup/confirm/", {"code": local_cognito.latest_code(local_pool.user_pool_id, confirmed)})

    answers = [client.post("/signup/resume/", {"username": name}) for name in (confirmed, unique_username())]

    assert [r.status_code for r in answers] == [200, 200]
    assert [r.context["error_code"] for r in answers] == ["already_confirmed", "not_pending"]
    assertContains(answers[0], "This account is already confirmed. You can sign in.")
