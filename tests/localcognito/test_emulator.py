"""The local Cognito emulator, driven through a real boto3 client over HTTP, as the portal would use it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.cognitoidp.models import CognitoIdpUserPoolAttribute

from localcognito import LocalCognito, PoolConfig, mask_email, mask_phone

PASSWORD = "long-enough-1"


def expected_secret_hash(username: str, client_id: str, client_secret: str) -> str:
    # Deliberately independent of localcognito.secret_hash, so a bug there cannot hide itself.
    digest = hmac.new(client_secret.encode("utf-8"), (username + client_id).encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture(scope="module")
def emulator() -> Iterator[LocalCognito]:
    with LocalCognito(host="127.0.0.1", port=0, region="eu-west-1", echo=True) as running:
        yield running


@pytest.fixture(scope="module")
def cognito(emulator: LocalCognito) -> Any:
    return boto3.client(
        "cognito-idp",
        region_name="eu-west-1",
        endpoint_url=emulator.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )


def unique(prefix: str) -> str:
    # moto's backend is process-global; unique names keep this module independent of any other emulator user.
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def secret_pool(emulator: LocalCognito) -> PoolConfig:
    return emulator.provision(attributes=["email", "given_name", "custom:company"], name=unique("secret"))


@pytest.fixture(scope="module")
def public_pool(emulator: LocalCognito) -> PoolConfig:
    return emulator.provision(attributes=["email", "given_name"], client_secret=False, name=unique("public"))


@pytest.fixture
def username() -> str:
    return unique("user")


def sign_up(cognito: Any, pool: PoolConfig, username: str, email: str = "alice@example.com", **extra: Any) -> dict:
    if pool.client_secret and "SecretHash" not in extra:
        extra["SecretHash"] = expected_secret_hash(username, pool.client_id, pool.client_secret)
    return cognito.sign_up(
        ClientId=pool.client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}],
        **extra,
    )


def confirm(cognito: Any, pool: PoolConfig, username: str, code: str) -> dict:
    return cognito.confirm_sign_up(
        ClientId=pool.client_id,
        Username=username,
        ConfirmationCode=code,
        SecretHash=expected_secret_hash(username, pool.client_id, pool.client_secret),
    )


def resend(cognito: Any, pool: PoolConfig, username: str) -> dict:
    return cognito.resend_confirmation_code(
        ClientId=pool.client_id,
        Username=username,
        SecretHash=expected_secret_hash(username, pool.client_id, pool.client_secret),
    )


def user_exists(cognito: Any, pool: PoolConfig, username: str) -> bool:
    try:
        cognito.admin_get_user(UserPoolId=pool.user_pool_id, Username=username)
    except cognito.exceptions.UserNotFoundException:
        return False
    return True


def test_start_with_port_zero_serves_on_a_real_port(emulator: LocalCognito) -> None:
    assert emulator.port > 0
    assert emulator.endpoint_url == f"http://127.0.0.1:{emulator.port}"


def test_provision_reports_the_pool_and_is_idempotent_by_name(
    emulator: LocalCognito, cognito: Any, secret_pool: PoolConfig
) -> None:
    pool_name = cognito.describe_user_pool(UserPoolId=secret_pool.user_pool_id)["UserPool"]["Name"]
    again = emulator.provision(attributes=["email", "given_name", "custom:company"], name=pool_name)

    assert again == secret_pool
    described = cognito.describe_user_pool(UserPoolId=secret_pool.user_pool_id)["UserPool"]
    names = [a["Name"] for a in described["SchemaAttributes"]]
    assert names == [*CognitoIdpUserPoolAttribute.STANDARD_SCHEMA, "custom:company"]
    assert described["AutoVerifiedAttributes"] == ["email"]
    assert secret_pool.endpoint_url == emulator.endpoint_url
    assert secret_pool.region == "eu-west-1"


def test_sign_up_with_correct_secret_hash_returns_masked_email_delivery(
    cognito: Any, secret_pool: PoolConfig, username: str
) -> None:
    response = sign_up(cognito, secret_pool, username, email="alice@example.com")

    assert response["UserConfirmed"] is False
    assert response["CodeDeliveryDetails"] == {
        "Destination": "a***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }


@pytest.mark.parametrize("extra", [{"SecretHash": "d3JvbmcgaGFzaA=="}, {}], ids=["wrong", "missing"])
def test_sign_up_without_a_valid_secret_hash_is_not_authorized(
    cognito: Any, secret_pool: PoolConfig, username: str, extra: dict[str, str]
) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito.sign_up(ClientId=secret_pool.client_id, Username=username, Password=PASSWORD, **extra)

    assert error_code(excinfo) == "NotAuthorizedException"
    assert not user_exists(cognito, secret_pool, username)


def test_sign_up_on_a_client_without_secret_needs_no_hash(cognito: Any, public_pool: PoolConfig, username: str) -> None:
    response = sign_up(cognito, public_pool, username)

    assert response["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"


def test_sign_up_with_malformed_email_is_rejected_before_the_user_is_created(
    cognito: Any, secret_pool: PoolConfig, username: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        sign_up(cognito, secret_pool, username, email="not-an-email")

    assert error_code(excinfo) == "InvalidParameterException"
    assert not user_exists(cognito, secret_pool, username)


def test_sign_up_prints_the_code_and_keeps_it_for_tests(
    emulator: LocalCognito, cognito: Any, secret_pool: PoolConfig, username: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sign_up(cognito, secret_pool, username, email="bob@example.org")

    code = emulator.latest_code(secret_pool.user_pool_id, username)
    assert code is not None
    assert len(code) == 6
    assert code.isdigit()
    assert f"confirmation code for {username}: {code} (sent by EMAIL to b***@e***)" in capsys.readouterr().out
    delivered = emulator.outbox[-1]
    assert (delivered.username, delivered.code, delivered.destination, delivered.medium) == (
        username,
        code,
        "b***@e***",
        "EMAIL",
    )


def test_confirm_with_the_wrong_code_is_a_code_mismatch(
    emulator: LocalCognito, cognito: Any, secret_pool: PoolConfig, username: str
) -> None:
    sign_up(cognito, secret_pool, username)
    code = emulator.latest_code(secret_pool.user_pool_id, username)
    wrong = "000000" if code != "000000" else "111111"

    with pytest.raises(ClientError) as excinfo:
        confirm(cognito, secret_pool, username, wrong)

    assert error_code(excinfo) == "CodeMismatchException"
    status = cognito.admin_get_user(UserPoolId=secret_pool.user_pool_id, Username=username)["UserStatus"]
    assert status == "UNCONFIRMED"


def test_resend_replaces_the_code_and_the_new_one_confirms_and_verifies_email(
    emulator: LocalCognito, cognito: Any, secret_pool: PoolConfig, username: str
) -> None:
    sign_up(cognito, secret_pool, username, email="carol@example.com")
    old_code = emulator.latest_code(secret_pool.user_pool_id, username)

    response = resend(cognito, secret_pool, username)
    new_code = emulator.latest_code(secret_pool.user_pool_id, username)

    assert response["CodeDeliveryDetails"] == {
        "Destination": "c***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    assert new_code is not None
    if new_code != old_code:  # a one-in-a-million collision would make the old code valid again
        with pytest.raises(ClientError) as excinfo:
            confirm(cognito, secret_pool, username, old_code)
        assert error_code(excinfo) == "CodeMismatchException"

    confirm(cognito, secret_pool, username, new_code)

    user = cognito.admin_get_user(UserPoolId=secret_pool.user_pool_id, Username=username)
    assert user["UserStatus"] == "CONFIRMED"
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["email_verified"] == "true"
    assert emulator.latest_code(secret_pool.user_pool_id, username) is None


def test_confirmed_user_cannot_be_confirmed_again_or_get_a_new_code(
    emulator: LocalCognito, cognito: Any, secret_pool: PoolConfig, username: str
) -> None:
    sign_up(cognito, secret_pool, username)
    code = emulator.latest_code(secret_pool.user_pool_id, username)
    confirm(cognito, secret_pool, username, code)

    with pytest.raises(ClientError) as confirm_again:
        confirm(cognito, secret_pool, username, code)
    with pytest.raises(ClientError) as resend_after:
        resend(cognito, secret_pool, username)

    assert error_code(confirm_again) == "NotAuthorizedException"
    assert error_code(resend_after) == "InvalidParameterException"


@pytest.mark.parametrize(
    "call",
    [lambda c, p, u: confirm(c, p, u, "123456"), resend],
    ids=["confirm", "resend"],
)
def test_unknown_user_is_not_found(cognito: Any, secret_pool: PoolConfig, call: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        call(cognito, secret_pool, unique("nobody"))

    assert error_code(excinfo) == "UserNotFoundException"


@pytest.mark.parametrize("operation", ["confirm_sign_up", "resend_confirmation_code"])
def test_confirm_and_resend_check_the_secret_hash(
    emulator: LocalCognito, cognito: Any, secret_pool: PoolConfig, username: str, operation: str
) -> None:
    sign_up(cognito, secret_pool, username)
    params = {"ClientId": secret_pool.client_id, "Username": username, "SecretHash": "d3JvbmcgaGFzaA=="}
    if operation == "confirm_sign_up":
        params["ConfirmationCode"] = emulator.latest_code(secret_pool.user_pool_id, username)

    with pytest.raises(ClientError) as excinfo:
        getattr(cognito, operation)(**params)

    assert error_code(excinfo) == "NotAuthorizedException"


def test_too_many_wrong_codes_locks_confirmation_until_a_resend(
    emulator: LocalCognito, cognito: Any, secret_pool: PoolConfig, username: str
) -> None:
    sign_up(cognito, secret_pool, username)
    code = emulator.latest_code(secret_pool.user_pool_id, username)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ClientError, match="CodeMismatchException"):
            confirm(cognito, secret_pool, username, wrong)

    with pytest.raises(ClientError) as excinfo:
        confirm(cognito, secret_pool, username, code)
    assert error_code(excinfo) == "TooManyFailedAttemptsException"

    resend(cognito, secret_pool, username)
    confirm(cognito, secret_pool, username, emulator.latest_code(secret_pool.user_pool_id, username))


def test_usernames_are_case_insensitive_like_the_provisioned_pool(
    emulator: LocalCognito, cognito: Any, secret_pool: PoolConfig
) -> None:
    username = unique("Mixed")
    sign_up(cognito, secret_pool, username)

    with pytest.raises(ClientError) as duplicate:
        sign_up(cognito, secret_pool, username.lower())
    confirm(cognito, secret_pool, username.lower(), emulator.latest_code(secret_pool.user_pool_id, username.lower()))

    assert error_code(duplicate) == "UsernameExistsException"
    assert cognito.admin_get_user(UserPoolId=secret_pool.user_pool_id, Username=username)["UserStatus"] == "CONFIRMED"


def test_pool_without_auto_verified_attribute_reports_no_delivery(emulator: LocalCognito, cognito: Any) -> None:
    pool = emulator.provision(attributes=["given_name"], client_secret=False, name=unique("no-email"))
    username = unique("user")

    response = cognito.sign_up(ClientId=pool.client_id, Username=username, Password=PASSWORD)

    assert "CodeDeliveryDetails" not in response
    assert emulator.latest_code(pool.user_pool_id, username) is not None


def test_phone_verifying_pool_delivers_by_sms(emulator: LocalCognito, cognito: Any) -> None:
    flags = ("RequireUppercase", "RequireLowercase", "RequireNumbers", "RequireSymbols")
    pool_id = cognito.create_user_pool(
        PoolName=unique("sms"),
        Policies={"PasswordPolicy": {"MinimumLength": 8, **dict.fromkeys(flags, False)}},
        AutoVerifiedAttributes=["phone_number"],
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="sms")["UserPoolClient"]["ClientId"]

    response = cognito.sign_up(
        ClientId=client_id,
        Username=unique("user"),
        Password=PASSWORD,
        UserAttributes=[{"Name": "phone_number", "Value": "+15555551234"}],
    )

    assert response["CodeDeliveryDetails"] == {
        "Destination": "+*******1234",
        "DeliveryMedium": "SMS",
        "AttributeName": "phone_number",
    }


def test_requests_are_recorded_with_their_params(
    emulator: LocalCognito, cognito: Any, secret_pool: PoolConfig, username: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="werkzeug")
    emulator.clear_requests()

    sign_up(cognito, secret_pool, username, UserContextData={"EncodedData": "fingerprint", "IpAddress": "203.0.113.9"})
    cognito.describe_user_pool(UserPoolId=secret_pool.user_pool_id)

    recorded = emulator.requests
    assert [r.operation for r in recorded] == ["SignUp", "DescribeUserPool"]
    assert recorded[0].params["UserContextData"] == {"EncodedData": "fingerprint", "IpAddress": "203.0.113.9"}
    assert recorded[0].params["Username"] == username
    assert not [record for record in caplog.records if record.name == "werkzeug"]  # no access-log lines


def test_masks() -> None:
    assert mask_email("alice@example.com") == "a***@e***"
    assert mask_phone("+4915112345678") == "+*******5678"


def test_a_second_emulator_in_the_same_process_works_alongside(emulator: LocalCognito, secret_pool: PoolConfig) -> None:
    with LocalCognito(region="eu-west-1", echo=False) as other:
        pool = other.provision(attributes=["email"], client_secret=False, name=unique("other"))
        client = boto3.client(
            "cognito-idp",
            region_name=pool.region,
            endpoint_url=pool.endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        username = unique("user")

        client.sign_up(ClientId=pool.client_id, Username=username, Password=PASSWORD)
        client.confirm_sign_up(
            ClientId=pool.client_id, Username=username, ConfirmationCode=other.latest_code(pool.user_pool_id, username)
        )

        # moto's backend is shared, codes and request logs are not.
        assert other.port != emulator.port
        assert (
            client.describe_user_pool(UserPoolId=secret_pool.user_pool_id)["UserPool"]["Id"] == secret_pool.user_pool_id
        )
        assert not [r for r in emulator.requests if r.params.get("Username") == username]
