"""Into the app on the embedded local Cognito, over HTTP: passwordless sign-up on a pool with EMAIL_OTP (and the
refusal of a pool that needs passwords), confirmation by the link the emulator "e-mails", the app client's callback
URLs as return URLs, and the checks that say what a pool lacks."""

from __future__ import annotations

import urllib.request
from urllib.parse import quote

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from signup.checks import signup_pool_capabilities_check
from tests.helpers import continue_link, embedded_sign_up, embedded_user_status, unique_username

pytestmark = pytest.mark.django_db


def sign_up_request(local_cognito) -> dict:
    (request,) = [r for r in local_cognito.requests if r.operation == "SignUp"]
    return request.params


# --- Passwordless -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "factors"), [("none", ("PASSWORD", "EMAIL_OTP")), ("none", ("EMAIL_OTP",)), ("optional", ("EMAIL_OTP",))]
)
def test_a_passwordless_sign_up_is_confirmed_with_the_emailed_code(
    client, local_cognito, use_local_pool, admin_cognito, settings, mode, factors
):
    settings.SIGNUP_PASSWORD = mode
    pool = use_local_pool(f"portal-tests-otp-{'-'.join(factors).lower()}", first_auth_factors=factors)
    username = unique_username()

    response = embedded_sign_up(client, username, password=None if mode == "none" else "")

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    assert "Password" not in sign_up_request(local_cognito)
    assertContains(
        client.get("/signup/confirm/"), f'We sent a code by email to <bdi dir="ltr">{username[0]}***@e***</bdi>'
    )
    code = local_cognito.latest_code(pool.user_pool_id, username)
    assertRedirects(client.post("/signup/confirm/", {"code": code}), "/signup/done/", fetch_redirect_response=False)
    assertContains(client.get("/signup/done/"), "Your account is ready")
    assert embedded_user_status(admin_cognito, pool, username) == "CONFIRMED"


def test_a_password_only_pool_refuses_a_sign_up_without_password_with_our_error_not_a_500(
    client, local_cognito, local_pool, admin_cognito, settings
):
    settings.SIGNUP_PASSWORD = "none"
    username = unique_username()

    response = embedded_sign_up(client, username, password=None)

    assert response.status_code == 503
    assert response.context["error_code"] == "passwordless_not_enabled"
    assertContains(response, "Sign-up is unavailable right now.", status_code=503)
    with pytest.raises(admin_cognito.exceptions.UserNotFoundException):
        admin_cognito.admin_get_user(UserPoolId=local_pool.user_pool_id, Username=username)


def test_a_password_only_pool_asks_for_the_optional_password_and_takes_it(client, local_cognito, settings):
    settings.SIGNUP_PASSWORD = "optional"
    username = unique_username()

    refused = embedded_sign_up(client, username, password="")
    accepted = embedded_sign_up(client, username)

    assert [e.code for e in refused.context["form"].errors.as_data()["password"]] == ["password_needed"]
    assertRedirects(accepted, "/signup/confirm/", fetch_redirect_response=False)


# --- What the pool must allow: system check and admin ---------------------------------------------------------------


@pytest.fixture
def checked(settings):
    """The pool checks run as for a real pool (the embedded one is otherwise exempt)."""
    settings.COGNITO_LOCAL = False

    def ids() -> list[str]:
        return [warning.id for warning in signup_pool_capabilities_check(databases=["default"])]

    return ids


def test_the_system_check_is_quiet_when_the_pool_allows_what_the_settings_ask(
    checked, local_cognito, use_local_pool, settings
):
    use_local_pool("portal-tests-otp-password-email_otp", first_auth_factors=("PASSWORD", "EMAIL_OTP"))

    for mode in ("required", "optional", "none"):
        settings.SIGNUP_PASSWORD = mode
        assert checked() == [], mode


def test_the_system_check_warns_when_a_password_only_pool_is_asked_for_passwordless_sign_up(
    checked, local_cognito, local_pool, settings
):
    settings.SIGNUP_PASSWORD = "none"

    (warning,) = signup_pool_capabilities_check(databases=["default"])

    assert warning.id == "signup.W021"
    assert warning.msg == "SIGNUP_PASSWORD=none needs EMAIL_OTP or SMS_OTP among the pool's first sign-in factors."
    assert "AllowedFirstAuthFactors" in warning.hint


def test_the_system_check_warns_when_the_app_client_does_not_allow_user_auth(
    checked, local_cognito, use_local_pool, admin_cognito, settings
):
    settings.SIGNUP_PASSWORD = "optional"
    pool = use_local_pool("portal-tests-no-user-auth", first_auth_factors=("PASSWORD", "EMAIL_OTP"))
    admin_cognito.update_user_pool_client(
        UserPoolId=pool.user_pool_id,
        ClientId=pool.client_id,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )

    assert checked() == ["signup.W022"]


def test_the_system_check_warns_when_passwords_are_required_but_not_a_first_factor(
    checked, local_cognito, use_local_pool, settings
):
    settings.SIGNUP_PASSWORD = "required"
    use_local_pool("portal-tests-otp-email_otp", first_auth_factors=("EMAIL_OTP",))

    assert checked() == ["signup.W020"]


def test_the_admin_list_warns_with_what_to_change(admin_client, checked, local_cognito, local_pool, settings):
    settings.SIGNUP_PASSWORD = "none"

    page = admin_client.get("/admin/signup/attributefield/")

    assertContains(page, "SIGNUP_PASSWORD=none needs EMAIL_OTP or SMS_OTP among the pool&#x27;s first sign-in factors.")
    assertContains(page, "Choose the Essentials (or Plus) feature plan and add EMAIL_OTP or SMS_OTP")


def test_the_admin_list_says_nothing_of_passwords_when_the_pool_allows_the_setting(
    admin_client, checked, local_cognito, use_local_pool, settings
):
    settings.SIGNUP_PASSWORD = "none"
    use_local_pool("portal-tests-otp-password-email_otp", first_auth_factors=("PASSWORD", "EMAIL_OTP"))

    page = admin_client.get("/admin/signup/attributefield/")

    assertNotContains(page, "SIGNUP_PASSWORD")


# --- Confirmation by link -----------------------------------------------------------------------------------------


@pytest.fixture
def link_pool(local_cognito, use_local_pool, settings):
    settings.SIGNUP_RESEND_COOLDOWN = 0
    return use_local_pool("portal-tests-link", default_email_option="CONFIRM_WITH_LINK")


def follow(link: str) -> int:
    with urllib.request.urlopen(link, timeout=5) as reply:  # the link is on the emulator's loopback port
        return reply.status


def test_on_a_link_pool_the_confirm_page_says_a_link_was_sent_and_has_no_code_control(client, link_pool):
    username = unique_username()
    embedded_sign_up(client, username)

    page = client.get("/signup/confirm/")

    assertContains(page, f'We sent a link by email to <bdi dir="ltr">{username[0]}***@e***</bdi>.')
    assertContains(page, "Open it to confirm your account.")
    assertNotContains(page, 'name="code"')
    assertNotContains(page, 'id="confirm-form"')
    assertContains(page, "Send a new link")
    assertContains(page, ">Start again</button>")


def test_following_the_emailed_link_confirms_the_account(client, local_cognito, link_pool, admin_cognito):
    username = unique_username()
    embedded_sign_up(client, username)
    delivered = local_cognito.outbox[-1]
    assert (delivered.username, delivered.medium) == (username, "EMAIL")
    assert delivered.link

    assert follow(delivered.link) == 200

    assert embedded_user_status(admin_cognito, link_pool, username) == "CONFIRMED"


def test_asking_for_a_new_link_sends_one_and_says_so(client, local_cognito, link_pool):
    username = unique_username()
    embedded_sign_up(client, username)
    first = local_cognito.outbox[-1].link

    response = client.post("/signup/confirm/resend/", follow=True)

    assertRedirects(response, "/signup/confirm/")
    assertContains(response, "We sent you a new link.")
    second = local_cognito.outbox[-1]
    assert (second.username, second.link is not None, second.link != first) == (username, True, True)
    assert follow(second.link) == 200


def test_a_new_link_waits_for_the_same_cooldown_as_a_new_code(client, local_cognito, link_pool, settings):
    settings.SIGNUP_RESEND_COOLDOWN = 30
    embedded_sign_up(client, unique_username())
    sent = len(local_cognito.outbox)

    response = client.post("/signup/confirm/resend/")

    assert response.status_code == 429
    assertContains(response, "Please wait before asking for another link.", status_code=429)
    assertContains(response, "You can ask for a new link in 30 seconds.", status_code=429)
    assert len(local_cognito.outbox) == sent


def test_after_following_the_link_a_new_link_finds_the_account_confirmed_and_continues(
    client, local_cognito, link_pool, settings
):
    client.get(f"/signup/?next={quote('http://localhost:8000/app', safe='')}")  # one of the client's callback URLs
    embedded_sign_up(client, unique_username())
    follow(local_cognito.outbox[-1].link)

    response = client.post("/signup/confirm/resend/")

    assertRedirects(response, "/signup/done/", fetch_redirect_response=False)
    link = continue_link(client.get("/signup/done/").content)
    assert (link["href"], link["text"]) == ("http://localhost:8000/app", "Continue")


def test_changing_the_address_on_a_link_page_sends_a_new_link_there(client, local_cognito, link_pool, admin_cognito):
    username = unique_username()
    embedded_sign_up(client, username)
    assertContains(client.get("/signup/confirm/"), "Change the address and send a new link")

    response = client.post("/signup/confirm/address/", {"address": "dora@test.org"}, follow=True)

    assertContains(response, "We changed the address and sent a new link there.")
    assertContains(response, 'We sent a link by email to <bdi dir="ltr">d***@t***</bdi>.')
    delivered = local_cognito.outbox[-1]
    assert (delivered.username, delivered.destination) == (username, "d***@t***")
    assert follow(delivered.link) == 200
    assert embedded_user_status(admin_cognito, link_pool, username) == "CONFIRMED"


def test_start_again_on_a_link_page_goes_back_to_the_form(client, link_pool):
    embedded_sign_up(client, unique_username())

    assertRedirects(client.post("/signup/restart/"), "/signup/")
    assertRedirects(client.get("/signup/confirm/"), "/signup/")


def test_confirmation_code_forces_the_code_form_on_a_link_pool(client, link_pool, settings):
    settings.SIGNUP_CONFIRMATION = "code"
    embedded_sign_up(client, unique_username())

    page = client.get("/signup/confirm/")

    assertContains(page, 'name="code"')
    assertNotContains(page, "We sent a link")
    assertNotContains(page, "may hold a link")


def test_a_code_pool_gets_the_code_form_without_any_word_of_links(client, local_cognito):
    embedded_sign_up(client, unique_username())

    page = client.get("/signup/confirm/")

    assertContains(page, 'name="code"')
    assertNotContains(page, "link instead")
    assertNotContains(page, "may hold a link")


# --- The app client's callback URLs ---------------------------------------------------------------------------------


def test_a_callback_url_of_the_app_client_is_a_return_url_without_any_setting(client, local_cognito, local_pool):
    client.get(f"/signup/?next={quote('http://127.0.0.1:8000/signed-up', safe='')}")
    username = unique_username()
    embedded_sign_up(client, username)
    code = local_cognito.latest_code(local_pool.user_pool_id, username)
    client.post("/signup/confirm/", {"code": code})

    link = continue_link(client.get("/signup/done/").content)

    assert link["href"] == "http://127.0.0.1:8000/signed-up"
