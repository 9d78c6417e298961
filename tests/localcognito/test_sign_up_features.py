"""The newer sign-up features over HTTP with boto3: the full schema, passwordless sign-up, confirmation links,
sign-in after sign-up with Session, token revocation, and admin attribute changes before confirmation."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.cognitoidp.models import CognitoIdpUserPoolAttribute

from localcognito import LocalCognito, PoolConfig
from tests.localcognito.support import (
    PASSWORD,
    client_for,
    confirm,
    error_code,
    hash_for,
    resend,
    sign_up,
    unique,
    user_auth,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def emulator() -> Iterator[LocalCognito]:
    with LocalCognito(region="eu-west-1", echo=True) as running:
        yield running


@pytest.fixture(scope="module")
def cognito(emulator: LocalCognito) -> Any:
    return client_for(emulator)


@pytest.fixture(scope="module")
def pool(emulator: LocalCognito) -> PoolConfig:
    return emulator.provision(attributes=["email", "custom:company"], name=unique("features"))


@pytest.fixture(scope="module")
def passwordless_pool(emulator: LocalCognito) -> PoolConfig:
    return emulator.provision(
        attributes=["email"], name=unique("passwordless"), first_auth_factors=("PASSWORD", "EMAIL_OTP")
    )


@pytest.fixture(scope="module")
def link_pool(emulator: LocalCognito) -> PoolConfig:
    return emulator.provision(attributes=["email"], name=unique("link"), default_email_option="CONFIRM_WITH_LINK")


@pytest.fixture
def clock(emulator: LocalCognito, monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(emulator.middleware.sessions, "clock", fake)
    return fake


@pytest.fixture
def username() -> str:
    return unique("user")


def attributes_of(cognito: Any, pool: PoolConfig, username: str) -> dict[str, str]:
    user = cognito.admin_get_user(UserPoolId=pool.user_pool_id, Username=username)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


# 1. The full standard schema -------------------------------------------------------------------------------------


def test_the_pool_has_every_standard_attribute_and_the_custom_ones(cognito: Any, pool: PoolConfig) -> None:
    described = cognito.describe_user_pool(UserPoolId=pool.user_pool_id)["UserPool"]
    client = cognito.describe_user_pool_client(UserPoolId=pool.user_pool_id, ClientId=pool.client_id)["UserPoolClient"]

    names = [a["Name"] for a in described["SchemaAttributes"]]
    assert names == [*CognitoIdpUserPoolAttribute.STANDARD_SCHEMA, "custom:company"]
    assert {"sub", "email_verified", "phone_number_verified"}.isdisjoint(client["WriteAttributes"])
    assert set(client["WriteAttributes"]) == set(names) - {"sub", "email_verified", "phone_number_verified"}


def test_the_pool_and_client_are_shaped_for_the_newer_features(cognito: Any, pool: PoolConfig) -> None:
    described = cognito.describe_user_pool(UserPoolId=pool.user_pool_id)["UserPool"]
    client = cognito.describe_user_pool_client(UserPoolId=pool.user_pool_id, ClientId=pool.client_id)["UserPoolClient"]

    assert described["UserPoolTier"] == "ESSENTIALS"
    assert described["Policies"]["SignInPolicy"] == {"AllowedFirstAuthFactors": ["PASSWORD"]}
    assert described["VerificationMessageTemplate"]["DefaultEmailOption"] == "CONFIRM_WITH_CODE"
    assert set(client["ExplicitAuthFlows"]) == {
        "ALLOW_USER_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }
    assert client["CallbackURLs"] == ["http://localhost:8000/", "http://127.0.0.1:8000/"]
    assert client["EnableTokenRevocation"] is True


def test_re_provisioning_adds_a_new_custom_attribute_and_keeps_the_ids(
    emulator: LocalCognito, cognito: Any, pool: PoolConfig
) -> None:
    name = cognito.describe_user_pool(UserPoolId=pool.user_pool_id)["UserPool"]["Name"]

    again = emulator.provision(attributes=["email", "custom:company", "custom:team"], name=name)

    assert again == pool
    described = cognito.describe_user_pool(UserPoolId=pool.user_pool_id)["UserPool"]
    client = cognito.describe_user_pool_client(UserPoolId=pool.user_pool_id, ClientId=pool.client_id)["UserPoolClient"]
    assert "custom:team" in [a["Name"] for a in described["SchemaAttributes"]]
    assert "custom:team" in client["WriteAttributes"]


# 4. Passwordless sign-up -----------------------------------------------------------------------------------------


def test_a_pool_with_email_otp_takes_a_sign_up_without_password(
    emulator: LocalCognito, cognito: Any, passwordless_pool: PoolConfig, username: str
) -> None:
    described = cognito.describe_user_pool(UserPoolId=passwordless_pool.user_pool_id)["UserPool"]
    assert described["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"] == ["PASSWORD", "EMAIL_OTP"]

    response = sign_up(cognito, passwordless_pool, username, Password=None)

    assert response["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    confirm(cognito, passwordless_pool, username, emulator.latest_code(passwordless_pool.user_pool_id, username))
    with pytest.raises(ClientError) as excinfo:  # the user has no password to sign in with
        cognito.initiate_auth(
            ClientId=passwordless_pool.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={
                "USERNAME": username,
                "PASSWORD": "anything-at-all",
                "SECRET_HASH": hash_for(passwordless_pool, username)["SecretHash"],
            },
        )
    assert error_code(excinfo) == "NotAuthorizedException"


def test_a_password_only_pool_refuses_a_sign_up_without_password(cognito: Any, pool: PoolConfig, username: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        sign_up(cognito, pool, username, Password=None)

    assert error_code(excinfo) == "InvalidParameterException"
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_get_user(UserPoolId=pool.user_pool_id, Username=username)


def test_a_passwordless_sign_up_needs_the_address_its_codes_go_to(
    cognito: Any, passwordless_pool: PoolConfig, username: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito.sign_up(
            ClientId=passwordless_pool.client_id, Username=username, **hash_for(passwordless_pool, username)
        )

    assert error_code(excinfo) == "InvalidParameterException"


# 5. Confirmation by link -----------------------------------------------------------------------------------------


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_link_pool_sends_a_link_that_confirms_in_the_browser(
    emulator: LocalCognito,
    cognito: Any,
    link_pool: PoolConfig,
    username: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    described = cognito.describe_user_pool(UserPoolId=link_pool.user_pool_id)["UserPool"]
    assert described["VerificationMessageTemplate"]["DefaultEmailOption"] == "CONFIRM_WITH_LINK"

    response = sign_up(cognito, link_pool, username, email="dora@example.com")

    delivered = emulator.outbox[-1]
    assert response["CodeDeliveryDetails"] == {
        "Destination": "d***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    assert delivered.link is not None
    assert delivered.link.startswith(f"{emulator.endpoint_url}/confirmUser?client_id={link_pool.client_id}&")
    assert f"user_name={username}" in delivered.link
    assert f"confirmation_code={delivered.code}" in delivered.link
    assert f"Cognito (local): confirmation link for {username}: {delivered.link}" in capsys.readouterr().out

    status, page = fetch(delivered.link)

    assert (status, "Your registration has been confirmed.") == (200, page.split("<p>")[1].split("</p>")[0])
    user = cognito.admin_get_user(UserPoolId=link_pool.user_pool_id, Username=username)
    assert user["UserStatus"] == "CONFIRMED"
    assert attributes_of(cognito, link_pool, username)["email_verified"] == "true"
    assert fetch(delivered.link)[0] == 400  # used


def test_a_wrong_link_code_is_an_error_page(
    emulator: LocalCognito, cognito: Any, link_pool: PoolConfig, username: str
) -> None:
    sign_up(cognito, link_pool, username)
    link = emulator.outbox[-1].link
    assert link is not None
    code = emulator.latest_code(link_pool.user_pool_id, username)
    wrong = "000000" if code != "000000" else "111111"

    status, page = fetch(link.replace(f"confirmation_code={code}", f"confirmation_code={wrong}"))

    assert status == 400
    assert "not valid" in page
    assert cognito.admin_get_user(UserPoolId=link_pool.user_pool_id, Username=username)["UserStatus"] == "UNCONFIRMED"


def test_resend_on_a_link_pool_sends_a_new_link(
    emulator: LocalCognito, cognito: Any, link_pool: PoolConfig, username: str
) -> None:
    sign_up(cognito, link_pool, username)
    first = emulator.outbox[-1].link

    resend(cognito, link_pool, username)

    second = emulator.outbox[-1]
    assert second.link is not None
    assert second.link != first or second.code == emulator.latest_code(link_pool.user_pool_id, username)
    assert fetch(second.link)[0] == 200


def test_a_link_pool_still_sends_codes_by_sms(emulator: LocalCognito, cognito: Any) -> None:
    pool_id = cognito.create_user_pool(
        PoolName=unique("sms-link"),
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": False,
                "RequireLowercase": False,
                "RequireNumbers": False,
                "RequireSymbols": False,
            }
        },
        AutoVerifiedAttributes=["phone_number"],
        VerificationMessageTemplate={"DefaultEmailOption": "CONFIRM_WITH_LINK"},
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="sms")["UserPoolClient"]["ClientId"]

    cognito.sign_up(
        ClientId=client_id,
        Username=unique("user"),
        Password=PASSWORD,
        UserAttributes=[{"Name": "phone_number", "Value": "+15555550123"}],
    )

    assert (emulator.outbox[-1].medium, emulator.outbox[-1].link) == ("SMS", None)


# 6. Sign in after sign-up ----------------------------------------------------------------------------------------


def test_sign_up_confirm_and_user_auth_with_the_session_returns_tokens_once(
    emulator: LocalCognito, cognito: Any, pool: PoolConfig, username: str
) -> None:
    session = sign_up(cognito, pool, username)["Session"]
    assert 20 <= len(session) <= 2048

    confirmed = confirm(cognito, pool, username, emulator.latest_code(pool.user_pool_id, username), Session=session)
    result = user_auth(cognito, pool, username, confirmed["Session"])

    tokens = result["AuthenticationResult"]
    assert tokens["TokenType"] == "Bearer"
    assert tokens["ExpiresIn"] > 0
    assert {"AccessToken", "IdToken", "RefreshToken"} <= set(tokens)
    assert cognito.get_user(AccessToken=tokens["AccessToken"])["Username"] == username
    with pytest.raises(ClientError) as reused:
        user_auth(cognito, pool, username, confirmed["Session"])
    assert error_code(reused) == "NotAuthorizedException"
    assert reused.value.response["Error"]["Message"] == "Invalid session for the user."


def test_confirm_with_an_unknown_session_confirms_but_returns_no_session(
    emulator: LocalCognito, cognito: Any, pool: PoolConfig, username: str
) -> None:
    sign_up(cognito, pool, username)

    confirmed = confirm(cognito, pool, username, emulator.latest_code(pool.user_pool_id, username), Session="x" * 40)

    assert "Session" not in confirmed
    assert cognito.admin_get_user(UserPoolId=pool.user_pool_id, Username=username)["UserStatus"] == "CONFIRMED"


def test_a_resend_invalidates_the_sign_up_session(
    emulator: LocalCognito, cognito: Any, pool: PoolConfig, username: str
) -> None:
    session = sign_up(cognito, pool, username)["Session"]
    resend(cognito, pool, username)

    confirmed = confirm(cognito, pool, username, emulator.latest_code(pool.user_pool_id, username), Session=session)

    assert "Session" not in confirmed


def test_sessions_expire_after_the_clients_auth_session_validity(
    emulator: LocalCognito, cognito: Any, pool: PoolConfig, username: str, clock: FakeClock
) -> None:
    session = sign_up(cognito, pool, username)["Session"]
    confirmed = confirm(cognito, pool, username, emulator.latest_code(pool.user_pool_id, username), Session=session)
    clock.now += 3 * 60 + 1

    with pytest.raises(ClientError) as excinfo:
        user_auth(cognito, pool, username, confirmed["Session"])

    assert error_code(excinfo) == "NotAuthorizedException"


def test_an_expired_sign_up_session_gets_no_confirm_session(
    emulator: LocalCognito, cognito: Any, pool: PoolConfig, username: str, clock: FakeClock
) -> None:
    session = sign_up(cognito, pool, username)["Session"]
    clock.now += 3 * 60 + 1

    confirmed = confirm(cognito, pool, username, emulator.latest_code(pool.user_pool_id, username), Session=session)

    assert "Session" not in confirmed


def test_user_auth_needs_allow_user_auth_on_the_client(
    emulator: LocalCognito, cognito: Any, pool: PoolConfig, username: str
) -> None:
    session = sign_up(cognito, pool, username)["Session"]
    confirmed = confirm(cognito, pool, username, emulator.latest_code(pool.user_pool_id, username), Session=session)
    described = cognito.describe_user_pool_client(UserPoolId=pool.user_pool_id, ClientId=pool.client_id)
    flows = described["UserPoolClient"]["ExplicitAuthFlows"]
    cognito.update_user_pool_client(
        UserPoolId=pool.user_pool_id, ClientId=pool.client_id, ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"]
    )
    try:
        with pytest.raises(ClientError) as excinfo:
            user_auth(cognito, pool, username, confirmed["Session"])
    finally:
        cognito.update_user_pool_client(UserPoolId=pool.user_pool_id, ClientId=pool.client_id, ExplicitAuthFlows=flows)

    assert error_code(excinfo) == "NotAuthorizedException"


def test_user_auth_checks_the_secret_hash(
    emulator: LocalCognito, cognito: Any, pool: PoolConfig, username: str
) -> None:
    session = sign_up(cognito, pool, username)["Session"]
    confirmed = confirm(cognito, pool, username, emulator.latest_code(pool.user_pool_id, username), Session=session)

    with pytest.raises(ClientError) as excinfo:
        cognito.initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="USER_AUTH",
            AuthParameters={"USERNAME": username, "SECRET_HASH": "d3Jvbmc="},
            Session=confirmed["Session"],
        )

    assert error_code(excinfo) == "NotAuthorizedException"


def signed_in(emulator: LocalCognito, cognito: Any, pool: PoolConfig, username: str) -> dict[str, Any]:
    session = sign_up(cognito, pool, username)["Session"]
    confirmed = confirm(cognito, pool, username, emulator.latest_code(pool.user_pool_id, username), Session=session)
    tokens: dict[str, Any] = user_auth(cognito, pool, username, confirmed["Session"])["AuthenticationResult"]
    return tokens


def test_revoke_token_revokes_the_refresh_token_and_its_access_token(
    emulator: LocalCognito, cognito: Any, pool: PoolConfig, username: str
) -> None:
    tokens = signed_in(emulator, cognito, pool, username)

    cognito.revoke_token(Token=tokens["RefreshToken"], ClientId=pool.client_id, ClientSecret=pool.client_secret)

    with pytest.raises(ClientError) as refresh:
        cognito.initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
        )
    with pytest.raises(ClientError) as get_user:
        cognito.get_user(AccessToken=tokens["AccessToken"])
    assert error_code(refresh) == "NotAuthorizedException"
    assert error_code(get_user) == "NotAuthorizedException"


@pytest.mark.parametrize(
    ("token", "secret", "expected"),
    [
        ("AccessToken", "right", "UnsupportedTokenTypeException"),
        ("RefreshToken", "wrong", "UnauthorizedException"),
    ],
)
def test_revoke_token_misuse_is_refused(
    emulator: LocalCognito, cognito: Any, pool: PoolConfig, username: str, token: str, secret: str, expected: str
) -> None:
    tokens = signed_in(emulator, cognito, pool, username)
    client_secret = pool.client_secret if secret == "right" else "w" * 51

    with pytest.raises(ClientError) as excinfo:
        cognito.revoke_token(Token=tokens[token], ClientId=pool.client_id, ClientSecret=client_secret)

    assert error_code(excinfo) == expected


# 8. Admin attribute changes before confirmation ------------------------------------------------------------------


def test_resend_after_an_admin_email_change_goes_to_the_new_address(
    emulator: LocalCognito, cognito: Any, pool: PoolConfig, username: str
) -> None:
    sign_up(cognito, pool, username, email="old@example.com")

    cognito.admin_update_user_attributes(
        UserPoolId=pool.user_pool_id, Username=username, UserAttributes=[{"Name": "email", "Value": "new@test.org"}]
    )
    response = resend(cognito, pool, username)

    assert response["CodeDeliveryDetails"]["Destination"] == "n***@t***"
    assert emulator.outbox[-1].destination == "n***@t***"
    assert attributes_of(cognito, pool, username)["email"] == "new@test.org"
    confirm(cognito, pool, username, emulator.latest_code(pool.user_pool_id, username))
    assert attributes_of(cognito, pool, username)["email_verified"] == "true"
