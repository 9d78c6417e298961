"""Reading moto's Cognito backend the way the middleware needs it, and answering the way Cognito does.

moto keeps its state in process-global backends keyed by account and region. Unsigned calls (SignUp,
ConfirmSignUp, ...) carry neither, so lookups search every backend, as moto's own RegionAgnosticBackend does.
No Django here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from moto.cognitoidp.models import cognitoidp_backends
from werkzeug.wrappers import Response

if TYPE_CHECKING:
    from moto.cognitoidp.models import CognitoIdpUser, CognitoIdpUserPool, CognitoIdpUserPoolClient

JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
FIRST_AUTH_FACTORS = ("PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN")
CONFIRM_WITH_CODE = "CONFIRM_WITH_CODE"
CONFIRM_WITH_LINK = "CONFIRM_WITH_LINK"


class CognitoError(Exception):
    """A Cognito-style client error, rendered as the JSON 1.1 error body botocore parses."""

    def __init__(self, error_type: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.status = status

    def response(self) -> Response:
        body = json.dumps({"__type": self.error_type, "message": self.message})
        headers = {"x-amzn-ErrorType": self.error_type, "x-amzn-RequestId": str(uuid.uuid4())}
        return Response(body, status=self.status, headers=headers, content_type=JSON_CONTENT_TYPE)


def json_response(payload: dict[str, Any]) -> Response:
    return Response(json.dumps(payload), content_type=JSON_CONTENT_TYPE)


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """Base64(HMAC-SHA256(key=client secret, msg=username + client id)), as Cognito computes it."""
    mac = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def check_secret_hash(client: CognitoIdpUserPoolClient, username: str, received: object) -> None:
    if not client.generate_secret:
        return
    if not received:
        raise CognitoError(
            "NotAuthorizedException", f"Client {client.id} is configured for secret but secret was not received"
        )
    expected = secret_hash(username, client.id, client.secret)
    if not hmac.compare_digest(str(received).encode(), expected.encode()):
        raise CognitoError("NotAuthorizedException", f"Unable to verify secret hash for client {client.id}")


def iter_pools() -> Iterator[CognitoIdpUserPool]:
    # list() guards against backends being created while we iterate.
    for account_backends in list(cognitoidp_backends.values()):
        for region, backend in list(account_backends.items()):
            if region == "global":
                continue
            yield from list(backend.user_pools.values())


def find_client(client_id: str) -> tuple[CognitoIdpUserPool, CognitoIdpUserPoolClient] | None:
    for pool in iter_pools():
        client = pool.clients.get(client_id)
        if client is not None:
            return pool, client
    return None


def require_client(client_id: str) -> tuple[CognitoIdpUserPool, CognitoIdpUserPoolClient]:
    found = find_client(client_id)
    if found is None:
        raise CognitoError("ResourceNotFoundException", f"User pool client {client_id} does not exist.")
    return found


def find_pool(user_pool_id: str) -> CognitoIdpUserPool | None:
    return next((pool for pool in iter_pools() if pool.id == user_pool_id), None)


def find_user(pool: CognitoIdpUserPool, username: str) -> CognitoIdpUser | None:
    user = pool._get_user(username)
    if user is not None:
        return user
    # moto ignores UsernameConfiguration.CaseSensitive=False; Cognito treats "Alice" and "alice" as one user.
    if pool.extended_config.get("UsernameConfiguration", {}).get("CaseSensitive", True):
        return None
    folded = username.casefold()
    return next((u for u in list(pool.users.values()) if u.username.casefold() == folded), None)


def require_user(pool: CognitoIdpUserPool, username: str) -> CognitoIdpUser:
    user = find_user(pool, username)
    if user is None:
        raise CognitoError("UserNotFoundException", "Username/client id combination not found.")
    return user


def user_by_access_token(access_token: str) -> tuple[CognitoIdpUserPool, str, CognitoIdpUser]:
    """(pool, client id, user) for a live access token moto issued; NotAuthorizedException otherwise."""
    for pool in iter_pools():
        issued = pool.access_tokens.get(access_token)
        if issued is None:
            continue
        client_id, username = issued
        user = pool._get_user(username)
        if user is not None and user.enabled:
            return pool, client_id, user
    raise CognitoError("NotAuthorizedException", "Invalid Access Token")


def first_auth_factors(pool: CognitoIdpUserPool) -> list[str]:
    # Pools without a sign-in policy sign in with passwords only, as Cognito's own default.
    policy = (pool.extended_config.get("Policies") or {}).get("SignInPolicy") or {}
    return list(policy.get("AllowedFirstAuthFactors") or ["PASSWORD"])


def default_email_option(pool: CognitoIdpUserPool) -> str:
    template = pool.extended_config.get("VerificationMessageTemplate") or {}
    return str(template.get("DefaultEmailOption") or CONFIRM_WITH_CODE)
