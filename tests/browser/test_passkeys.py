"""Leaving with a passkey, in Chromium with a virtual authenticator (Chrome DevTools' WebAuthn domain), against the
embedded local Cognito with a pool set up for passkeys (relying party "localhost"; the page is served from
http://localhost:<port>, since an IP address is no valid RP id)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import boto3
import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from signup import cognito
from tests.browser.helpers import BROWSER_LOCALES, PASSWORD, fill_sign_up
from tests.helpers import unique_username

pytestmark = pytest.mark.django_db(transaction=True)

APP_NAME = "Example App"
RETURN_URL = "https://app.example.com/welcome"
AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


@dataclass
class PasskeyPortal:
    url: str
    cognito: Any
    pool: Any

    def code_for(self, username: str) -> str:
        code = self.cognito.latest_code(self.pool.user_pool_id, username)
        assert code, f"no code was sent to {username}"
        return code

    def operations(self) -> list[str]:
        return [request.operation for request in self.cognito.requests]

    def passkeys_of(self, username: str) -> list[dict[str, Any]]:
        """ListWebAuthnCredentials, with an access token of the test's own (a password sign-in, as an app would)."""
        client = boto3.client(
            "cognito-idp",
            region_name=self.pool.region,
            endpoint_url=self.pool.endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        hashed = cognito.secret_hash(username, self.pool.client_id, self.pool.client_secret)
        signed_in = client.initiate_auth(
            ClientId=self.pool.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD, "SECRET_HASH": hashed},
        )
        token = signed_in["AuthenticationResult"]["AccessToken"]
        return list(client.list_web_authn_credentials(AccessToken=token)["Credentials"])

    def user_status(self, username: str) -> str:
        client = self.cognito.admin_client()
        return str(client.admin_get_user(UserPoolId=self.pool.user_pool_id, Username=username)["UserStatus"])


@pytest.fixture
def passkey_portal(transactional_db, live_server, local_passkey_cognito, local_passkey_pool, settings):
    from signup.models import AttributeField

    assert live_server.url.startswith("http://localhost:"), "WebAuthn needs a host name: localhost, not an IP"
    settings.SIGNUP_PUBLIC_ORIGIN = live_server.url
    settings.SIGNUP_APP_NAME = APP_NAME
    settings.SIGNUP_DEFAULT_RETURN_URL = RETURN_URL
    settings.SIGNUP_RESEND_COOLDOWN = 0
    AttributeField.objects.get_or_create(
        attribute_name="email",
        defaults={"label": "Email address", "input_type": "email", "required": True, "position": 10},
    )
    return PasskeyPortal(url=live_server.url, cognito=local_passkey_cognito, pool=local_passkey_pool)


def add_authenticator(page: Any, **options: Any) -> tuple[Any, str]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {**AUTHENTICATOR, **options}})
    return cdp, added["authenticatorId"]


@pytest.fixture
def authenticator(page) -> Iterator[tuple[Any, str]]:
    cdp, authenticator_id = add_authenticator(page)
    yield cdp, authenticator_id
    cdp.send("WebAuthn.disable")


def sign_up_and_confirm(page: Any, portal: PasskeyPortal, username: str) -> None:
    page.goto(f"{portal.url}/signup/")
    fill_sign_up(page, username)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(f"{portal.url}/signup/confirm/")
    page.get_by_label("Confirmation code").fill(portal.code_for(username))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(f"{portal.url}/signup/passkey/")


def test_a_person_signs_up_creates_a_passkey_and_continues_to_the_app(passkey_portal, page, authenticator):
    cdp, authenticator_id = authenticator
    username = unique_username()
    sign_up_and_confirm(page, passkey_portal, username)

    expect(page.get_by_role("heading", name="Sign in faster next time")).to_be_visible()
    expect(page.get_by_role("button", name="Not now")).to_be_visible()
    page.get_by_role("button", name="Create a passkey").click()

    expect(page).to_have_url(f"{passkey_portal.url}/signup/done/")
    expect(page.get_by_text("Your passkey is saved.")).to_be_visible()
    expect(page.get_by_role("link", name=f"Continue to {APP_NAME}")).to_have_attribute("href", RETURN_URL)
    (stored,) = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    (listed,) = passkey_portal.passkeys_of(username)
    assert listed["RelyingPartyId"] == "localhost"
    assert stored["isResidentCredential"] is True
    operations = passkey_portal.operations()
    assert operations.index("CompleteWebAuthnRegistration") < operations.index("RevokeToken")


def test_without_the_json_helpers_the_script_converts_the_options_and_the_credential_by_hand(
    passkey_portal, page, authenticator
):
    # Browsers older than parseCreationOptionsFromJSON / toJSON: base64url <-> ArrayBuffer in passkey.js.
    page.add_init_script(
        "delete PublicKeyCredential.parseCreationOptionsFromJSON; delete PublicKeyCredential.prototype.toJSON;"
    )
    username = unique_username()
    sign_up_and_confirm(page, passkey_portal, username)
    assert page.evaluate("typeof PublicKeyCredential.prototype.toJSON") == "undefined"

    page.get_by_role("button", name="Create a passkey").click()

    expect(page).to_have_url(f"{passkey_portal.url}/signup/done/")
    (listed,) = passkey_portal.passkeys_of(username)
    assert "internal" in listed["AuthenticatorTransports"]


def test_when_the_authenticator_refuses_the_person_is_told_and_still_reaches_the_done_page(passkey_portal, page):
    cdp, authenticator_id = add_authenticator(page, isUserVerified=False)
    username = unique_username()
    sign_up_and_confirm(page, passkey_portal, username)

    page.get_by_role("button", name="Create a passkey").click()

    status = page.get_by_role("status")
    expect(status).to_contain_text("The passkey was not created: it was cancelled or timed out.")
    expect(page.get_by_role("button", name="Create a passkey")).to_be_enabled()  # trying again is allowed
    assert cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"] == []
    page.get_by_role("button", name="Not now").click()

    expect(page).to_have_url(f"{passkey_portal.url}/signup/done/")
    expect(page.get_by_role("link", name=f"Continue to {APP_NAME}")).to_be_visible()
    assert passkey_portal.user_status(username) == "CONFIRMED"
    assert passkey_portal.passkeys_of(username) == []
    assert "RevokeToken" in passkey_portal.operations()  # "Not now" ends the sign-in too


def test_the_passkey_step_works_by_keyboard_alone(passkey_portal, page, authenticator):
    username = unique_username()
    sign_up_and_confirm(page, passkey_portal, username)

    tab_to(page, "passkey-create")
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{passkey_portal.url}/signup/done/")
    tab_to(page, "continue-link")
    assert len(passkey_portal.passkeys_of(username)) == 1


def test_not_now_works_by_keyboard_alone(passkey_portal, page, authenticator):
    username = unique_username()
    sign_up_and_confirm(page, passkey_portal, username)

    tab_to(page, "passkey-skip")
    expect(page.locator("#passkey-skip")).to_have_accessible_name("Not now")
    page.keyboard.press("Space")

    expect(page).to_have_url(f"{passkey_portal.url}/signup/done/")
    assert passkey_portal.passkeys_of(username) == []


def test_a_device_that_already_has_the_passkey_is_told_so_and_continue_takes_the_focus(
    passkey_portal, page, authenticator
):
    username = unique_username()
    sign_up_and_confirm(page, passkey_portal, username)
    # What navigator.credentials.create() says when an excluded credential is on the authenticator.
    page.evaluate(
        """() => { navigator.credentials.create = () =>
            Promise.reject(new DOMException("exists", "InvalidStateError")); }"""
    )
    tab_to(page, "passkey-create")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_have_text(
        "This device already has a passkey for your account. You can continue."
    )
    expect(page.locator("#passkey-create")).to_be_hidden()
    expect(page.locator("#passkey-skip")).to_be_focused()
    expect(page.locator("#passkey-skip")).to_have_accessible_name("Continue")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{passkey_portal.url}/signup/done/")


def test_a_step_that_has_expired_on_the_server_says_so_and_leaves_only_continue(passkey_portal, page, authenticator):
    username = unique_username()
    sign_up_and_confirm(page, passkey_portal, username)
    # Another tab ended the step ("Not now"): the tokens are gone, the options call answers 409.
    page.evaluate(
        """async () => {
            const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
            await fetch("/signup/passkey/skip/", {method: "POST", headers: {"X-CSRFToken": token}});
        }"""
    )
    page.get_by_role("button", name="Create a passkey").click()

    expect(page.get_by_role("status")).to_contain_text("This passkey step has expired. Your account is ready")
    expect(page.locator("#passkey-create")).to_be_hidden()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{passkey_portal.url}/signup/done/")


def test_without_javascript_the_page_offers_only_continue_and_it_works(passkey_portal, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        username = unique_username()
        sign_up_and_confirm(page, passkey_portal, username)

        expect(page.get_by_role("button", name="Create a passkey")).to_be_hidden()
        expect(page.get_by_role("button", name="Not now")).to_have_count(0)
        page.get_by_role("button", name="Continue").click()

        expect(page).to_have_url(f"{passkey_portal.url}/signup/done/")
        expect(page.get_by_role("link", name=f"Continue to {APP_NAME}")).to_be_visible()
        assert passkey_portal.user_status(username) == "CONFIRMED"
    finally:
        context.close()


def test_a_browser_without_webauthn_is_offered_only_continue(passkey_portal, page):
    page.add_init_script("delete window.PublicKeyCredential;")
    sign_up_and_confirm(page, passkey_portal, unique_username())

    expect(page.get_by_role("button", name="Create a passkey")).to_be_hidden()
    expect(page.get_by_role("button", name="Continue")).to_be_visible()
    expect(page.get_by_role("button", name="Not now")).to_have_count(0)


@pytest.mark.parametrize("language", [code for code, _ in django_settings.LANGUAGES])
def test_the_passkey_page_has_no_axe_violations(passkey_portal, browser, axe, language):
    # bypass_csp: injecting axe is an inline script, which the portal's Content-Security-Policy rightly forbids.
    context = browser.new_context(bypass_csp=True, locale=BROWSER_LOCALES[language])
    context.set_default_timeout(10_000)
    page = context.new_page()
    add_authenticator(page, isUserVerified=False)
    violations = {}
    try:
        username = unique_username()
        page.goto(f"{passkey_portal.url}/signup/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_email").fill(f"{username}@example.com")
        page.locator("#signup-form button[type=submit]").click()
        page.locator("#confirm-form input[name=code]").fill(passkey_portal.code_for(username))
        page.locator("#confirm-form button[type=submit]").click()
        expect(page).to_have_url(f"{passkey_portal.url}/signup/passkey/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("#passkey-create")).to_be_visible()
        if language != "en":
            expect(page.locator("h1")).not_to_have_text("Sign in faster next time")  # translated
        if found := axe(page):
            violations["offered"] = found
        page.locator("#passkey-create").click()
        expect(page.locator("#passkey-status.is-error")).not_to_be_empty()
        if found := axe(page):
            violations["refused"] = found
        page.locator("#passkey-skip").click()
        expect(page).to_have_url(f"{passkey_portal.url}/signup/done/")
        if found := axe(page):
            violations["done"] = found
    finally:
        context.close()

    assert violations == {}


def tab_to(page: Any, element_id: str, limit: int = 30) -> None:
    """Press Tab until the element with this id has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} cannot be reached with the Tab key")


def test_on_an_address_outside_the_relying_party_the_page_says_so_and_leaves_only_continue(
    passkey_portal, page, authenticator
):
    # 127.0.0.1 is the same server, but no WebAuthn relying party: the browser refuses (SecurityError).
    on_ip = replace(passkey_portal, url=passkey_portal.url.replace("localhost", "127.0.0.1"))
    sign_up_and_confirm(page, on_ip, unique_username())

    page.get_by_role("button", name="Create a passkey").click()

    expect(page.get_by_role("status")).to_have_text(
        "Passkeys cannot be created on this page. You can continue without one."
    )
    expect(page.locator("#passkey-create")).to_be_hidden()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{on_ip.url}/signup/done/")
