"""Passkey registration against the emulator, with a software authenticator (EC P-256, "none" attestation)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import cbor2
import pytest
from botocore.exceptions import ClientError

from localcognito import LocalCognito, PoolConfig
from tests.localcognito.support import client_for, confirm, error_code, sign_up, unique, user_auth
from tests.software_authenticator import b64url, from_b64url, software_credential


@pytest.fixture(scope="module")
def emulator() -> Iterator[LocalCognito]:
    with LocalCognito(region="eu-west-1", echo=False) as running:
        yield running


@pytest.fixture(scope="module")
def cognito(emulator: LocalCognito) -> Any:
    return client_for(emulator)


@pytest.fixture(scope="module")
def pool(emulator: LocalCognito) -> PoolConfig:
    return emulator.provision(
        attributes=["email"],
        name=unique("passkeys"),
        first_auth_factors=("PASSWORD", "WEB_AUTHN"),
        webauthn_relying_party_id="localhost",
    )


def access_token(emulator: LocalCognito, cognito: Any, pool: PoolConfig) -> str:
    username = unique("user")
    session = sign_up(cognito, pool, username)["Session"]
    code = emulator.latest_code(pool.user_pool_id, username)
    confirmed = confirm(cognito, pool, username, code, Session=session)
    return str(user_auth(cognito, pool, username, confirmed["Session"])["AuthenticationResult"]["AccessToken"])


@pytest.fixture
def token(emulator: LocalCognito, cognito: Any, pool: PoolConfig) -> str:
    return access_token(emulator, cognito, pool)


def test_the_pool_reports_its_passkey_settings(cognito: Any, pool: PoolConfig) -> None:
    mfa = cognito.get_user_pool_mfa_config(UserPoolId=pool.user_pool_id)
    described = cognito.describe_user_pool(UserPoolId=pool.user_pool_id)["UserPool"]

    assert mfa["WebAuthnConfiguration"] == {"RelyingPartyId": "localhost", "UserVerification": "preferred"}
    assert "WEB_AUTHN" in described["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"]


def test_start_returns_creation_options_for_the_relying_party(cognito: Any, token: str) -> None:
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]

    assert options["rp"]["id"] == "localhost"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert len(from_b64url(options["challenge"])) >= 16
    assert {"type": "public-key", "alg": -7} in options["pubKeyCredParams"]


@pytest.mark.parametrize("origin", ["http://localhost:8000", "https://localhost", "https://app.localhost"])
def test_a_verified_passkey_is_stored_and_listed(cognito: Any, token: str, origin: str) -> None:
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    credential = software_credential(options, origin=origin)

    cognito.complete_web_authn_registration(AccessToken=token, Credential=credential)

    (listed,) = cognito.list_web_authn_credentials(AccessToken=token)["Credentials"]
    assert listed["CredentialId"] == credential["id"]
    assert listed["RelyingPartyId"] == "localhost"
    assert listed["AuthenticatorAttachment"] == "platform"
    assert listed["AuthenticatorTransports"] == ["internal", "hybrid"]
    assert listed["FriendlyCredentialName"]
    assert listed["CreatedAt"]


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        ({"challenge": b"not the challenge the emulator made"}, "WebAuthnChallengeNotFoundException"),
        ({"origin": "https://evil.example"}, "WebAuthnOriginNotAllowedException"),
        ({"origin": "http://127.0.0.1:8000"}, "WebAuthnOriginNotAllowedException"),
        ({"rp_id": "example.com"}, "WebAuthnRelyingPartyMismatchException"),
    ],
    ids=["wrong-challenge", "wrong-origin", "ip-origin", "wrong-rp-id-hash"],
)
def test_a_credential_that_does_not_verify_is_refused(cognito: Any, token: str, tamper: dict, expected: str) -> None:
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    credential = software_credential(options, **{"origin": "http://localhost:8000", **tamper})

    with pytest.raises(ClientError) as excinfo:
        cognito.complete_web_authn_registration(AccessToken=token, Credential=credential)

    assert error_code(excinfo) == expected
    assert cognito.list_web_authn_credentials(AccessToken=token)["Credentials"] == []


def test_a_broken_attestation_is_not_supported(cognito: Any, token: str) -> None:
    options = cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    credential = software_credential(options, origin="http://localhost:8000")
    attestation = cbor2.loads(from_b64url(credential["response"]["attestationObject"]))
    attestation["attStmt"] = {"sig": b"\x00"}  # "none" attestation must carry no statement
    credential["response"]["attestationObject"] = b64url(cbor2.dumps(attestation))

    with pytest.raises(ClientError) as excinfo:
        cognito.complete_web_authn_registration(AccessToken=token, Credential=credential)

    assert error_code(excinfo) == "WebAuthnCredentialNotSupportedException"


def test_complete_without_start_has_no_challenge(emulator: LocalCognito, cognito: Any, pool: PoolConfig) -> None:
    token = access_token(emulator, cognito, pool)
    options = {"rp": {"id": "localhost"}, "challenge": b64url(b"0" * 32)}

    with pytest.raises(ClientError) as excinfo:
        cognito.complete_web_authn_registration(
            AccessToken=token, Credential=software_credential(options, origin="http://localhost:8000")
        )

    assert error_code(excinfo) == "WebAuthnChallengeNotFoundException"


def test_a_bad_access_token_is_not_authorized(cognito: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito.start_web_authn_registration(AccessToken="not-a-token")

    assert error_code(excinfo) == "NotAuthorizedException"


def test_a_pool_without_the_web_authn_factor_has_passkeys_off(emulator: LocalCognito, cognito: Any) -> None:
    pool = emulator.provision(attributes=["email"], name=unique("no-passkeys"), webauthn_relying_party_id="localhost")

    with pytest.raises(ClientError) as excinfo:
        cognito.start_web_authn_registration(AccessToken=access_token(emulator, cognito, pool))

    assert error_code(excinfo) == "WebAuthnNotEnabledException"


def test_a_pool_without_a_relying_party_id_is_missing_configuration(emulator: LocalCognito, cognito: Any) -> None:
    pool = emulator.provision(attributes=["email"], name=unique("no-rp"), first_auth_factors=("PASSWORD", "WEB_AUTHN"))

    with pytest.raises(ClientError) as excinfo:
        cognito.start_web_authn_registration(AccessToken=access_token(emulator, cognito, pool))

    assert error_code(excinfo) == "WebAuthnConfigurationMissingException"
