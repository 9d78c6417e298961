"""The Cognito gateway: the only module that imports boto3/botocore.

It owns the per-process clients, the secret hash, request building and the translation of botocore errors into
the portal's own exceptions (signup.errors). Callers pass plain values and get plain values back.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.exceptions
from botocore.config import Config
from django.conf import settings
from django.core.signals import setting_changed
from django.views.decorators.debug import sensitive_variables

from signup import errors
from signup.breaker import CircuitBreaker

logger = logging.getLogger(__name__)


# --- Values -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeDelivery:
    """Where Cognito sent a confirmation code (`CodeDeliveryDetails`)."""

    destination: str
    medium: str
    attribute: str

    @classmethod
    def from_response(cls, details: Mapping[str, Any] | None) -> CodeDelivery | None:
        if not details:
            return None
        return cls(
            destination=str(details.get("Destination", "")),
            medium=str(details.get("DeliveryMedium", "")),
            attribute=str(details.get("AttributeName", "")),
        )


@dataclass(frozen=True)
class SignUpResult:
    user_sub: str
    confirmed: bool
    delivery: CodeDelivery | None


@dataclass(frozen=True)
class RequestContext:
    """What the portal knows about the end user's request, forwarded as UserContextData and AnalyticsMetadata."""

    ip_address: str = ""
    encoded_data: str = ""
    analytics_endpoint_id: str = ""

    def user_context_data(self) -> dict[str, str] | None:
        data = {"IpAddress": self.ip_address, "EncodedData": self.encoded_data}
        data = {key: value for key, value in data.items() if value}
        return data or None

    def analytics_metadata(self) -> dict[str, str] | None:
        return {"AnalyticsEndpointId": self.analytics_endpoint_id} if self.analytics_endpoint_id else None


# --- Clients: one per process, created lazily ---------------------------------------------------------------------

_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()
_breakers: dict[str, CircuitBreaker] = {}


def _make_client(*, retries: int) -> Any:
    config = Config(
        connect_timeout=settings.COGNITO_CONNECT_TIMEOUT,
        read_timeout=settings.COGNITO_READ_TIMEOUT,
        max_pool_connections=settings.COGNITO_MAX_POOL_CONNECTIONS,
        retries={"mode": "standard", "total_max_attempts": retries},
    )
    # No endpoint here on purpose: boto3 reads AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER / AWS_ENDPOINT_URL.
    return boto3.session.Session().client("cognito-idp", region_name=settings.COGNITO_REGION, config=config)


def _client(kind: str) -> Any:
    client = _clients.get(kind)
    if client is None:
        with _clients_lock:
            client = _clients.get(kind)
            if client is None:
                # Public calls (SignUp, ConfirmSignUp, Resend) are not idempotent: a retry after a read timeout can
                # register the user and then report UsernameExists for their own sign-up, so they get one attempt.
                # Admin reads (Describe*) are safe to retry.
                client = _make_client(retries=1 if kind == "public" else 3)
                _clients[kind] = client
    return client


def public_client() -> Any:
    """The client for unauthenticated calls (no AWS credentials needed)."""
    return _client("public")


def admin_client() -> Any:
    """The client for IAM-signed reads such as DescribeUserPool."""
    return _client("admin")


def reset_clients(**_: Any) -> None:
    with _clients_lock:
        _clients.clear()
        _breakers.clear()


def public_circuit() -> CircuitBreaker:
    """The circuit breaker in front of the public calls (admin reads without credentials must not open it)."""
    breaker = _breakers.get("public")
    if breaker is None:
        with _clients_lock:
            breaker = _breakers.setdefault(
                "public",
                CircuitBreaker(
                    failures=settings.COGNITO_BREAKER_FAILURES, reset_after=settings.COGNITO_BREAKER_RESET_SECONDS
                ),
            )
    return breaker


def _on_setting_changed(*, setting: str, **_: Any) -> None:
    if setting.startswith("COGNITO_"):
        reset_clients()


setting_changed.connect(_on_setting_changed)


# --- Secret hash --------------------------------------------------------------------------------------------------


@sensitive_variables("client_secret")
def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """Base64(HMAC-SHA256(key=client secret, message=username + client id)), all UTF-8."""
    mac = hmac.new(client_secret.encode("utf-8"), (username + client_id).encode("utf-8"), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode("ascii")


@sensitive_variables("params")
def _client_params(username: str) -> dict[str, str]:
    params = {"ClientId": settings.COGNITO_CLIENT_ID, "Username": username}
    if settings.COGNITO_CLIENT_SECRET:
        params["SecretHash"] = secret_hash(username, settings.COGNITO_CLIENT_ID, settings.COGNITO_CLIENT_SECRET)
    return params


def _attribute_list(values: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"Name": name, "Value": value} for name, value in values]


def _with_context(params: dict[str, Any], context: RequestContext) -> dict[str, Any]:
    if (user_context := context.user_context_data()) is not None:
        params["UserContextData"] = user_context
    if (analytics := context.analytics_metadata()) is not None:
        params["AnalyticsMetadata"] = analytics
    return params


# --- Operations ---------------------------------------------------------------------------------------------------


@sensitive_variables("password", "params")
def build_sign_up_request(
    *,
    username: str,
    password: str,
    user_attributes: Iterable[tuple[str, str]] = (),
    validation_data: Iterable[tuple[str, str]] = (),
    client_metadata: Mapping[str, str] | None = None,
    context: RequestContext = RequestContext(),
) -> dict[str, Any]:
    """The SignUp parameters, exactly as `sign_up` sends them (the admin preview shows them, redacted)."""
    params: dict[str, Any] = {**_client_params(username), "Password": password}
    if attributes := _attribute_list(user_attributes):
        params["UserAttributes"] = attributes
    if validation := _attribute_list(validation_data):
        params["ValidationData"] = validation
    if client_metadata:
        params["ClientMetadata"] = dict(client_metadata)
    return _with_context(params, context)


REDACTED = "*** redacted ***"
_SECRET_PARAMETERS = ("Password", "SecretHash")


def redact_request(params: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of request parameters that is safe to show or log: password and secret hash replaced."""
    redacted = copy.deepcopy(dict(params))
    for name in _SECRET_PARAMETERS:
        if name in redacted:
            redacted[name] = REDACTED
    if isinstance(redacted.get("UserContextData"), dict) and redacted["UserContextData"].get("EncodedData"):
        redacted["UserContextData"]["EncodedData"] = REDACTED
    return redacted


@sensitive_variables("password", "params")
def sign_up(
    *,
    username: str,
    password: str,
    user_attributes: Iterable[tuple[str, str]] = (),
    validation_data: Iterable[tuple[str, str]] = (),
    client_metadata: Mapping[str, str] | None = None,
    context: RequestContext = RequestContext(),
) -> SignUpResult:
    """Call SignUp exactly once. Raises a signup.errors.PortalError subclass on any failure."""
    params = build_sign_up_request(
        username=username,
        password=password,
        user_attributes=user_attributes,
        validation_data=validation_data,
        client_metadata=client_metadata,
        context=context,
    )
    response = _call("sign_up", params)
    try:
        return SignUpResult(
            user_sub=str(response["UserSub"]),
            confirmed=bool(response.get("UserConfirmed", False)),
            delivery=CodeDelivery.from_response(response.get("CodeDeliveryDetails")),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise errors.CognitoBadResponse(detail=f"SignUp answered without UserSub: {type(exc).__name__}") from None


@sensitive_variables("code", "params")
def confirm_sign_up(*, username: str, code: str, context: RequestContext = RequestContext()) -> None:
    # ForceAliasCreation stays false: moving an email/phone away from another account must never be implicit.
    params = {**_client_params(username), "ConfirmationCode": code, "ForceAliasCreation": False}
    _call("confirm_sign_up", _with_context(params, context))


@sensitive_variables("params")
def resend_confirmation_code(*, username: str, context: RequestContext = RequestContext()) -> CodeDelivery | None:
    response = _call("resend_confirmation_code", _with_context(_client_params(username), context))
    if not isinstance(response, Mapping):
        raise errors.CognitoBadResponse(detail="ResendConfirmationCode answered with a non-object")
    return CodeDelivery.from_response(response.get("CodeDeliveryDetails"))


def describe_user_pool() -> dict[str, Any]:
    """The pool's configuration (IAM credentials needed). Raises ServiceUnavailable without them."""
    return _call("describe_user_pool", {"UserPoolId": settings.COGNITO_USER_POOL_ID}, client=admin_client())["UserPool"]


def describe_user_pool_client() -> dict[str, Any]:
    params = {"UserPoolId": settings.COGNITO_USER_POOL_ID, "ClientId": settings.COGNITO_CLIENT_ID}
    response = _call("describe_user_pool_client", params, client=admin_client())
    client = dict(response["UserPoolClient"])
    client.pop("ClientSecret", None)  # never let the secret travel further than this module
    return client


# --- Error translation --------------------------------------------------------------------------------------------

# Cognito error code -> our exception, per operation where the meaning differs. A closed list: anything else is
# "unavailable" (an operator problem), never a 500.
_COMMON_ERRORS: dict[str, type[errors.PortalError]] = {
    "TooManyRequestsException": errors.Throttled,
    "LimitExceededException": errors.LimitExceeded,
    "InvalidParameterException": errors.InvalidParameter,
    "NotAuthorizedException": errors.CognitoMisconfigured,
    "ResourceNotFoundException": errors.CognitoMisconfigured,
    "UserLambdaValidationException": errors.SignUpRejected,
    "InvalidLambdaResponseException": errors.CognitoTriggerFailed,
    "UnexpectedLambdaException": errors.CognitoTriggerFailed,
    "InvalidSmsRoleAccessPolicyException": errors.CognitoTriggerFailed,
    "InvalidSmsRoleTrustRelationshipException": errors.CognitoTriggerFailed,
    "InvalidEmailRoleAccessPolicyException": errors.CognitoTriggerFailed,
    "CodeDeliveryFailureException": errors.CodeDeliveryFailed,
    "InternalErrorException": errors.CognitoInternalError,
    "ForbiddenException": errors.CognitoForbidden,
    "UserNotFoundException": errors.UserNotFound,
}
_OPERATION_ERRORS: dict[str, dict[str, type[errors.PortalError]]] = {
    "sign_up": {
        "UsernameExistsException": errors.UsernameExists,
        "InvalidPasswordException": errors.InvalidPassword,
    },
    "confirm_sign_up": {
        "CodeMismatchException": errors.CodeMismatch,
        "ExpiredCodeException": errors.CodeExpired,
        "TooManyFailedAttemptsException": errors.TooManyFailedAttempts,
        "AliasExistsException": errors.AliasExists,
    },
    "resend_confirmation_code": {},
}

# "Attributes did not conform to the schema: custom:x: Attribute does not exist in the schema." and the like.
_ATTRIBUTE_IN_MESSAGE = re.compile(r"(?:schema:\s*|^)((?:custom:|dev:)?[A-Za-z_][\w:]{0,31}):\s")
_LAMBDA_PREFIX = re.compile(r"^\s*\w+ failed with error\s*", re.IGNORECASE)


def _translate_client_error(operation: str, exc: botocore.exceptions.ClientError) -> errors.PortalError:
    error = exc.response.get("Error", {}) if isinstance(exc.response, Mapping) else {}
    code = str(error.get("Code", ""))
    message = str(error.get("Message", ""))
    detail = f"{code}: {message}"[:500]
    exception_class = _OPERATION_ERRORS.get(operation, {}).get(code) or _COMMON_ERRORS.get(code)

    if code == "NotAuthorizedException" and operation == "confirm_sign_up" and _says_already_confirmed(message):
        # "User cannot be confirmed. Current status is CONFIRMED": the user's goal is already reached. Any other
        # NotAuthorized (secret hash, self sign-up disabled, an emulator's "User not authorized") is not success.
        return errors.AlreadyConfirmed(detail=detail)
    if code == "InvalidParameterException" and operation == "resend_confirmation_code" and "confirmed" in message:
        return errors.AlreadyConfirmed(detail=detail)
    if code == "InvalidParameterException" and (match := _ATTRIBUTE_IN_MESSAGE.search(message)):
        return errors.InvalidAttributeValue(detail=detail, field=match.group(1))
    if exception_class is errors.SignUpRejected:
        # The Lambda's own text is the deployment's message to its users; Cognito's prefix is not.
        return errors.SignUpRejected(detail=_LAMBDA_PREFIX.sub("", message)[:300])
    if exception_class is None:
        return errors.CognitoBadResponse(detail=detail)
    return exception_class(detail=detail, retry_after=_retry_after(exc.response))


def _says_already_confirmed(message: str) -> bool:
    message = message.lower()
    return "confirmed" in message and "secret" not in message


def _retry_after(response: Any) -> int | None:
    """Seconds from a Retry-After header, when the service sent one (Cognito rarely does; proxies and WAF may)."""
    metadata = response.get("ResponseMetadata", {}) if isinstance(response, Mapping) else {}
    headers = metadata.get("HTTPHeaders", {}) if isinstance(metadata, Mapping) else {}
    value = str(headers.get("retry-after", "")).strip() if isinstance(headers, Mapping) else ""
    return int(value) if value.isdigit() and 0 < int(value) <= 24 * 60 * 60 else None


@sensitive_variables("params")
def _call(operation: str, params: dict[str, Any], *, client: Any = None) -> Any:
    if client is not None:
        return _call_once(operation, params, client=client)
    circuit = public_circuit()
    circuit.before_call()
    try:
        response = _call_once(operation, params, client=public_client())
    except errors.PortalError as error:
        circuit.record(error)
        raise
    circuit.record(None)
    return response


@sensitive_variables("params")
def _call_once(operation: str, params: dict[str, Any], *, client: Any) -> Any:
    try:
        return getattr(client, operation)(**params)
    except botocore.exceptions.ClientError as exc:
        raise _translate_client_error(operation, exc) from None
    except (botocore.exceptions.ConnectTimeoutError, botocore.exceptions.EndpointConnectionError) as exc:
        # Raised before the request left: it cannot have taken effect.
        raise errors.CognitoUnreachable(detail=type(exc).__name__) from None
    except botocore.exceptions.ReadTimeoutError as exc:
        raise errors.CognitoTimeout(detail=type(exc).__name__) from None
    except (botocore.exceptions.NoCredentialsError, botocore.exceptions.PartialCredentialsError) as exc:
        raise errors.CognitoMisconfigured(detail=type(exc).__name__) from None
    except botocore.exceptions.ParamValidationError as exc:
        # The form validates everything the model checks; reaching this is a bug in our validation, not the user's.
        raise errors.InvalidParameter(detail=type(exc).__name__) from None
    except (botocore.exceptions.BotoCoreError, ValueError, AttributeError, TypeError, KeyError) as exc:
        # Malformed replies, connection resets, ... The exception text may echo parameters, so only its type.
        # botocore's parser raises AttributeError/TypeError on a reply that is JSON but not an object (fault tests).
        raise errors.CognitoBadResponse(detail=type(exc).__name__) from None
