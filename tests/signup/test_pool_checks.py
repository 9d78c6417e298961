"""What the pool, the app client and the domain need for SIGNUP_PASSKEYS=offer, said by the system check and the
admin: WEB_AUTHN among the first factors, a relying party id, the portal's origin on it, ALLOW_USER_AUTH."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from pytest_django.asserts import assertNotContains

from signup import cognito, pool_checks
from signup.checks import signup_pool_capabilities_check

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/signup/attributefield/"
WEB_AUTHN_POOL = {"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}}}
PASSWORD_POOL = {"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]}}}
USER_AUTH_CLIENT = {"ExplicitAuthFlows": ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}
SRP_CLIENT = {"ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}
RELYING_PARTY = {"RelyingPartyId": "example.com", "UserVerification": "preferred"}


@pytest.fixture
def offer(settings):
    settings.SIGNUP_PASSKEYS = "offer"
    settings.SIGNUP_SIGN_IN_AFTER_CONFIRM = True
    settings.SIGNUP_PUBLIC_ORIGIN = "https://signup.example.com"
    return settings


def ids(findings: list[pool_checks.Finding]) -> list[str]:
    return [finding.id for finding in findings]


# --- The check function ------------------------------------------------------------------------------------------


def test_a_pool_ready_for_passkeys_has_no_findings(offer):
    assert pool_checks.passkey_findings(WEB_AUTHN_POOL, USER_AUTH_CLIENT, RELYING_PARTY) == []


@pytest.mark.parametrize(
    ("user_pool", "client", "webauthn", "expected"),
    [
        (PASSWORD_POOL, USER_AUTH_CLIENT, RELYING_PARTY, ["signup.W030"]),
        ({}, USER_AUTH_CLIENT, RELYING_PARTY, ["signup.W030"]),  # an older pool without a sign-in policy
        (WEB_AUTHN_POOL, SRP_CLIENT, RELYING_PARTY, ["signup.W031"]),
        (WEB_AUTHN_POOL, {}, RELYING_PARTY, ["signup.W031"]),
        (WEB_AUTHN_POOL, USER_AUTH_CLIENT, {}, ["signup.W032"]),
        (WEB_AUTHN_POOL, USER_AUTH_CLIENT, {"RelyingPartyId": ""}, ["signup.W032"]),
        (WEB_AUTHN_POOL, USER_AUTH_CLIENT, {"RelyingPartyId": "other.example"}, ["signup.W033"]),
        (WEB_AUTHN_POOL, USER_AUTH_CLIENT, {"RelyingPartyId": "signup.example.com.evil"}, ["signup.W033"]),
        (WEB_AUTHN_POOL, USER_AUTH_CLIENT, {"RelyingPartyId": "ample.com"}, ["signup.W033"]),  # not a parent domain
        (PASSWORD_POOL, SRP_CLIENT, {}, ["signup.W030", "signup.W031", "signup.W032"]),
    ],
    ids=[
        "no-web-authn",
        "no-sign-in-policy",
        "no-user-auth",
        "no-flows",
        "no-relying-party",
        "empty-relying-party",
        "origin-elsewhere",
        "origin-suffix-trick",
        "partial-label",
        "everything-missing",
    ],
)
def test_each_thing_the_pool_client_or_domain_lacks_is_one_finding(offer, user_pool, client, webauthn, expected):
    assert ids(pool_checks.passkey_findings(user_pool, client, webauthn)) == expected


@pytest.mark.parametrize("relying_party", ["signup.example.com", "example.com"])
def test_the_origin_may_be_the_relying_party_or_a_subdomain_of_it(offer, relying_party):
    webauthn = {"RelyingPartyId": relying_party}

    assert pool_checks.passkey_findings(WEB_AUTHN_POOL, USER_AUTH_CLIENT, webauthn) == []


def test_an_unreadable_passkey_configuration_is_no_finding(offer):
    assert pool_checks.passkey_findings(WEB_AUTHN_POOL, USER_AUTH_CLIENT, None) == []


def test_the_origin_outside_the_relying_party_is_named_with_what_to_do(offer):
    (finding,) = pool_checks.passkey_findings(WEB_AUTHN_POOL, USER_AUTH_CLIENT, {"RelyingPartyId": "other.example"})

    assert "https://signup.example.com" in finding.message
    assert "other.example" in finding.message
    assert "SIGNUP_PUBLIC_ORIGIN" in finding.hint


def test_with_passkeys_off_nothing_is_checked(settings):
    settings.SIGNUP_PASSKEYS = "off"

    assert pool_checks.passkey_findings(PASSWORD_POOL, SRP_CLIENT, {}) == []


def test_sign_in_after_confirm_alone_needs_only_user_auth(settings):
    settings.SIGNUP_PASSKEYS = "off"
    settings.SIGNUP_SIGN_IN_AFTER_CONFIRM = True

    assert ids(pool_checks.all_findings(PASSWORD_POOL, SRP_CLIENT, None)) == ["signup.W034"]
    assert pool_checks.all_findings(PASSWORD_POOL, USER_AUTH_CLIENT, None) == []


def test_with_passkeys_the_missing_user_auth_is_said_once(offer):
    assert ids(pool_checks.all_findings(WEB_AUTHN_POOL, SRP_CLIENT, RELYING_PARTY)) == ["signup.W031"]


# --- On the embedded local Cognito: the system check and the admin ----------------------------------------------


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def pools(local_cognito_server) -> dict[str, Any]:
    """One pool per shortcoming (and one with none), plus an app client without ALLOW_USER_AUTH."""
    provision = local_cognito_server.provision
    made = {
        "ready": provision(
            name=unique("checks-ready"),
            first_auth_factors=("PASSWORD", "WEB_AUTHN"),
            webauthn_relying_party_id="localhost",
        ),
        "no-web-authn": provision(name=unique("checks-no-web-authn"), webauthn_relying_party_id="localhost"),
        "no-relying-party": provision(name=unique("checks-no-rp"), first_auth_factors=("PASSWORD", "WEB_AUTHN")),
    }
    ready = made["ready"]
    client = local_cognito_server.admin_client().create_user_pool_client(
        UserPoolId=ready.user_pool_id,
        ClientName="no-user-auth",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    made["no-user-auth"] = (ready.user_pool_id, client["ClientId"])
    return made


@pytest.fixture
def on_pool(pools, settings, monkeypatch):
    """Point the portal (passkeys offered, public origin http://localhost:8000) at one of the pools."""

    def point(name: str) -> None:
        found = pools[name]
        pool_id, client_id = found if isinstance(found, tuple) else (found.user_pool_id, found.client_id)
        secret = "" if isinstance(found, tuple) else found.client_secret
        settings.COGNITO_USER_POOL_ID = pool_id
        settings.COGNITO_CLIENT_ID = client_id
        settings.COGNITO_CLIENT_SECRET = secret
        settings.COGNITO_REGION = pools["ready"].region
        settings.COGNITO_LOCAL = False
        settings.SIGNUP_PASSKEYS = "offer"
        settings.SIGNUP_SIGN_IN_AFTER_CONFIRM = True
        settings.SIGNUP_PUBLIC_ORIGIN = "http://localhost:8000"
        monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", pools["ready"].endpoint_url)
        monkeypatch.delenv("LOCALCOGNITO_ENDPOINT_URL", raising=False)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        cognito.reset_clients()

    return point


@pytest.mark.parametrize(
    ("name", "origin", "expected"),
    [
        ("ready", "http://localhost:8000", []),
        ("no-web-authn", "http://localhost:8000", ["signup.W030"]),
        ("no-user-auth", "http://localhost:8000", ["signup.W031"]),
        ("no-relying-party", "http://localhost:8000", ["signup.W032"]),
        ("ready", "https://signup.example.com", ["signup.W033"]),
    ],
)
def test_the_system_check_reads_the_pool_client_and_passkey_configuration(on_pool, settings, name, origin, expected):
    on_pool(name)
    settings.SIGNUP_PUBLIC_ORIGIN = origin

    warnings = signup_pool_capabilities_check(databases=["default"])

    assert [warning.id for warning in warnings] == expected
    assert signup_pool_capabilities_check(databases=None) == []  # only when asked to look at the database


@pytest.mark.parametrize(
    ("name", "origin", "says", "hint"),
    [
        ("no-web-authn", "http://localhost:8000", "needs WEB_AUTHN among the pool", "Add WEB_AUTHN to Policies"),
        (
            "no-user-auth",
            "http://localhost:8000",
            "needs an app client that allows ALLOW_USER_AUTH",
            "ExplicitAuthFlows",
        ),
        ("no-relying-party", "http://localhost:8000", "The pool has no passkey relying party", "SetUserPoolMfaConfig"),
        (
            "ready",
            "https://signup.example.com",
            "is not on the passkey relying party localhost",
            "SIGNUP_PUBLIC_ORIGIN",
        ),
    ],
)
def test_the_admin_list_warns_about_what_the_pool_lacks_and_what_to_do(
    admin_client, on_pool, settings, name, origin, says, hint
):
    on_pool(name)
    settings.SIGNUP_PUBLIC_ORIGIN = origin

    response = admin_client.get(LIST_URL)

    (warning,) = re.findall(r'<li class="warning">(.*?)</li>', response.content.decode(), re.S)
    assert says in warning
    assert hint in warning


def test_the_admin_list_says_nothing_about_a_pool_ready_for_passkeys(admin_client, on_pool):
    on_pool("ready")

    response = admin_client.get(LIST_URL)

    for text in ("WEB_AUTHN", "ALLOW_USER_AUTH", "relying party"):
        assertNotContains(response, text)
