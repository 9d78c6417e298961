"""Helpers shared by the emulator's tests: a boto3 client on an emulator, unique names, a hand-written secret hash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from localcognito import LocalCognito, PoolConfig

PASSWORD = "long-enough-1"


def client_for(emulator: LocalCognito) -> Any:
    return boto3.client(
        "cognito-idp",
        region_name=emulator.region,
        endpoint_url=emulator.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )


def unique(prefix: str) -> str:
    # moto's backend is process-global; unique names keep each module independent of any other emulator user.
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def hash_for(pool: PoolConfig, username: str) -> dict[str, str]:
    """SecretHash as keyword arguments, computed independently of localcognito, or nothing for public clients."""
    if not pool.client_secret:
        return {}
    message = (username + pool.client_id).encode("utf-8")
    digest = hmac.new(pool.client_secret.encode("utf-8"), message, hashlib.sha256).digest()
    return {"SecretHash": base64.b64encode(digest).decode("ascii")}


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def sign_up(cognito: Any, pool: PoolConfig, username: str, *, email: str = "alice@example.com", **extra: Any) -> Any:
    extra.setdefault("Password", PASSWORD)
    if extra["Password"] is None:
        del extra["Password"]
    return cognito.sign_up(
        ClientId=pool.client_id,
        Username=username,
        UserAttributes=[{"Name": "email", "Value": email}],
        **hash_for(pool, username),
        **extra,
    )


def confirm(cognito: Any, pool: PoolConfig, username: str, code: str | None, **extra: Any) -> Any:
    return cognito.confirm_sign_up(
        ClientId=pool.client_id, Username=username, ConfirmationCode=code or "", **hash_for(pool, username), **extra
    )


def resend(cognito: Any, pool: PoolConfig, username: str) -> Any:
    return cognito.resend_confirmation_code(ClientId=pool.client_id, Username=username, **hash_for(pool, username))


def user_auth(cognito: Any, pool: PoolConfig, username: str, session: str) -> Any:
    secret = hash_for(pool, username)
    parameters = {"USERNAME": username, **({"SECRET_HASH": secret["SecretHash"]} if secret else {})}
    return cognito.initiate_auth(
        ClientId=pool.client_id, AuthFlow="USER_AUTH", AuthParameters=parameters, Session=session
    )
