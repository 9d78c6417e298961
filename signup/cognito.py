"""The Cognito gateway: the only module that imports boto3/botocore (its HTTP transport, signup.curl_http, sees none).

It owns the per-process clients, the secret hash, request building and the translation of botocore errors into
the portal's own exceptions (signup.errors). Every failed call is logged here, once, at WARNING: operation, Cognito's
error code and ours, never a parameter. Callers pass plain values and get plain values back.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import logging
import os
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.exceptions
import botocore.session
from botocore import parsers
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config
from botocore.httpsession import get_cert_path
from botocore.model import OperationModel
from botocore.utils import get_environ_proxies
from django.conf import settings
from django.core.signals import setting_changed
from django.views.decorators.debug import sensitive_variables

from signup import cognito_errors, curl_http, errors
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
    #: SignUp's `Session` for signing in after confirmation; a credential, so never in a repr or a log line.
    session: str = field(default="", repr=False)


@dataclass(frozen=True)
class Tokens:
    """The tokens of a sign-in. They stay in the server session and are never rendered or logged."""

    access_token: str = field(repr=False)
    refresh_token: str = field(default="", repr=False)


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


# --- Clients: one per kind and process, created lazily ------------------------------------------------------------

_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()
_breakers: dict[str, CircuitBreaker] = {}


def _client_config(kind: str) -> Config:
    if kind == "page":
        # Reads a page makes on its way (the pool's password policy): short, and never retried, so a hanging Cognito
        # costs a page at most these seconds (signup.pool also serves its last answer meanwhile).
        connect, read, attempts = settings.COGNITO_PAGE_CONNECT_TIMEOUT, settings.COGNITO_PAGE_READ_TIMEOUT, 1
    else:
        connect, read = settings.COGNITO_CONNECT_TIMEOUT, settings.COGNITO_READ_TIMEOUT
        # Public calls (SignUp, ConfirmSignUp, Resend...) are not idempotent: a retry after a read timeout can register
        # the user and then report UsernameExists for their own sign-up, so they get one attempt. Admin reads retry.
        attempts = 1 if kind == "public" else 3
    return Config(
        connect_timeout=connect,
        read_timeout=read,
        max_pool_connections=settings.COGNITO_MAX_POOL_CONNECTIONS,
        retries={"mode": "standard", "total_max_attempts": attempts},
    )


def _client(kind: str) -> Any:
    client = _clients.get(kind)
    if client is None:
        with _clients_lock:
            client = _clients.get(kind)
            if client is None:
                _clients[kind] = client = _new_client(kind)
    return client


def _new_client(kind: str) -> Any:
    # No endpoint on purpose: boto3 reads AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER / AWS_ENDPOINT_URL.
    core = botocore.session.Session()
    config = _client_config(kind)
    client = boto3.session.Session(botocore_session=core).client(
        "cognito-idp", region_name=settings.COGNITO_REGION, config=config
    )
    client.meta.events.register("before-call.cognito-identity-provider", invocation_id)
    if settings.COGNITO_HTTP_CLIENT == "curl":
        _use_curl(client, core, connect_timeout=config.connect_timeout, read_timeout=config.read_timeout)
    return client


def invocation_id(context: dict[str, Any], **_: Any) -> None:
    """The call's `amz-sdk-invocation-id` (a UUID the SDK sends so the service can tell retries of one call apart),
    drawn before botocore draws it with `uuid.uuid4()`: that reads the operating system's random source, a system
    call that lets go of the GIL (docs/benchmarks.md, the ninth pass). The id must be unique, not secret, like the
    portal's request ids: `random` is reseeded in every forked worker."""
    retries = context.setdefault("retries", {})
    retries.setdefault("invocation-id", str(uuid.UUID(int=random.getrandbits(128), version=4)))


def public_client() -> Any:
    """The client for unauthenticated calls (no AWS credentials needed)."""
    return _client("public")


def admin_client() -> Any:
    """The client for IAM-signed calls such as DescribeUserPool and AdminUpdateUserAttributes."""
    return _client("admin")


def page_client() -> Any:
    """The client for IAM-signed reads made while serving a page: short timeouts, one attempt."""
    return _client("page")


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


def _secret_hash_for(username: str) -> str | None:
    if not settings.COGNITO_CLIENT_SECRET:
        return None
    return secret_hash(username, settings.COGNITO_CLIENT_ID, settings.COGNITO_CLIENT_SECRET)


@sensitive_variables("params")
def _client_params(username: str) -> dict[str, str]:
    params = {"ClientId": settings.COGNITO_CLIENT_ID, "Username": username}
    if (hashed := _secret_hash_for(username)) is not None:
        params["SecretHash"] = hashed
    return params


def _attribute_list(values: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"Name": name, "Value": value} for name, value in values]


def _with_context(params: dict[str, Any], context: RequestContext) -> dict[str, Any]:
    if (user_context := context.user_context_data()) is not None:
        params["UserContextData"] = user_context
    if (analytics := context.analytics_metadata()) is not None:
        params["AnalyticsMetadata"] = analytics
    return params


# --- Sign-up operations -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignUpRequest:
    """What a sign-up sends. `password` None: a passwordless sign-up, sent without any `Password` member."""

    username: str
    password: str | None = field(repr=False)
    user_attributes: tuple[tuple[str, str], ...] = ()
    validation_data: tuple[tuple[str, str], ...] = ()
    client_metadata: tuple[tuple[str, str], ...] = ()


@sensitive_variables("request", "params")
def build_sign_up_request(request: SignUpRequest, context: RequestContext = RequestContext()) -> dict[str, Any]:
    """The SignUp parameters, exactly as `sign_up` sends them (the admin preview shows them, redacted)."""
    params: dict[str, Any] = _client_params(request.username)
    if request.password is not None:
        params["Password"] = request.password
    if attributes := _attribute_list(request.user_attributes):
        params["UserAttributes"] = attributes
    if validation := _attribute_list(request.validation_data):
        params["ValidationData"] = validation
    if request.client_metadata:
        params["ClientMetadata"] = dict(request.client_metadata)
    return _with_context(params, context)


REDACTED = "*** redacted ***"
_SECRET_PARAMETERS = ("Password", "SecretHash", "Session")


def redact_request(params: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of request parameters that is safe to show or log: password, secret hash and session replaced."""
    redacted = copy.deepcopy(dict(params))
    for name in _SECRET_PARAMETERS:
        if name in redacted:
            redacted[name] = REDACTED
    if isinstance(redacted.get("UserContextData"), dict) and redacted["UserContextData"].get("EncodedData"):
        redacted["UserContextData"]["EncodedData"] = REDACTED
    return redacted


@sensitive_variables("request", "params", "response")
def sign_up(request: SignUpRequest, context: RequestContext = RequestContext()) -> SignUpResult:
    """Call SignUp exactly once. Raises a signup.errors.PortalError subclass on any failure."""
    response = _call("sign_up", build_sign_up_request(request, context))
    try:
        return SignUpResult(
            user_sub=str(response["UserSub"]),
            confirmed=bool(response.get("UserConfirmed", False)),
            delivery=CodeDelivery.from_response(response.get("CodeDeliveryDetails")),
            session=str(response.get("Session") or ""),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise _logged("sign_up", errors.CognitoBadResponse(detail=f"no UserSub: {type(exc).__name__}")) from None


@sensitive_variables("code", "session", "params", "response")
def confirm_sign_up(*, username: str, code: str, session: str = "", context: RequestContext = RequestContext()) -> str:
    """ConfirmSignUp; returns Cognito's new `Session` for signing in ("" when it sent none)."""
    # ForceAliasCreation stays false: moving an email/phone away from another account must never be implicit.
    params = {**_client_params(username), "ConfirmationCode": code, "ForceAliasCreation": False}
    if session:
        params["Session"] = session
    response = _call("confirm_sign_up", _with_context(params, context))
    return str(response.get("Session") or "") if isinstance(response, Mapping) else ""


@sensitive_variables("params")
def resend_confirmation_code(*, username: str, context: RequestContext = RequestContext()) -> CodeDelivery | None:
    response = _call("resend_confirmation_code", _with_context(_client_params(username), context))
    if not isinstance(response, Mapping):
        raise _logged("resend_confirmation_code", errors.CognitoBadResponse(detail="reply is not an object"))
    return CodeDelivery.from_response(response.get("CodeDeliveryDetails"))


def admin_update_contact(*, username: str, attributes: Iterable[tuple[str, str]]) -> None:
    """AdminUpdateUserAttributes (IAM): a new email address or phone number for an unconfirmed user."""
    params = {
        "UserPoolId": settings.COGNITO_USER_POOL_ID,
        "Username": username,
        "UserAttributes": _attribute_list(attributes),
    }
    _call("admin_update_user_attributes", params, client=admin_client())


# --- Sign-in after sign-up and passkeys ---------------------------------------------------------------------------


@sensitive_variables("session", "params", "response")
def initiate_auth_with_session(*, username: str, session: str, context: RequestContext = RequestContext()) -> Tokens:
    """InitiateAuth USER_AUTH with ConfirmSignUp's Session: the confirmation code was the first factor."""
    auth_parameters = {"USERNAME": username}
    if (hashed := _secret_hash_for(username)) is not None:
        auth_parameters["SECRET_HASH"] = hashed
    params = {
        "AuthFlow": "USER_AUTH",
        "ClientId": settings.COGNITO_CLIENT_ID,
        "AuthParameters": auth_parameters,
        "Session": session,
    }
    response = _call("initiate_auth", _with_context(params, context))
    result = response.get("AuthenticationResult") if isinstance(response, Mapping) else None
    if not isinstance(result, Mapping) or not result.get("AccessToken"):
        raise _logged("initiate_auth", errors.SignInNotCompleted(detail=str(response.get("ChallengeName", "none"))))
    return Tokens(access_token=str(result["AccessToken"]), refresh_token=str(result.get("RefreshToken") or ""))


@sensitive_variables("access_token")
def start_passkey_registration(*, access_token: str) -> dict[str, Any]:
    """StartWebAuthnRegistration: the options for navigator.credentials.create(), as JSON-compatible data."""
    response = _call("start_web_authn_registration", {"AccessToken": access_token})
    options = response.get("CredentialCreationOptions") if isinstance(response, Mapping) else None
    if not isinstance(options, Mapping):
        raise _logged("start_web_authn_registration", errors.CognitoBadResponse(detail="no CredentialCreationOptions"))
    return dict(options)


@sensitive_variables("access_token", "credential")
def complete_passkey_registration(*, access_token: str, credential: Mapping[str, Any]) -> None:
    _call("complete_web_authn_registration", {"AccessToken": access_token, "Credential": dict(credential)})


@sensitive_variables("refresh_token", "params")
def revoke_refresh_token(*, refresh_token: str) -> None:
    params = {"Token": refresh_token, "ClientId": settings.COGNITO_CLIENT_ID}
    if settings.COGNITO_CLIENT_SECRET:
        params["ClientSecret"] = settings.COGNITO_CLIENT_SECRET
    _call("revoke_token", params)


# --- The pool's configuration (IAM) -------------------------------------------------------------------------------


def describe_user_pool(*, client: Any = None) -> dict[str, Any]:
    """The pool's configuration (IAM credentials needed). Raises ServiceUnavailable without them."""
    response = _call(
        "describe_user_pool", {"UserPoolId": settings.COGNITO_USER_POOL_ID}, client=client or admin_client()
    )
    return dict(response["UserPool"])


def describe_user_pool_client(*, client: Any = None) -> dict[str, Any]:
    params = {"UserPoolId": settings.COGNITO_USER_POOL_ID, "ClientId": settings.COGNITO_CLIENT_ID}
    response = _call("describe_user_pool_client", params, client=client or admin_client())
    description = dict(response["UserPoolClient"])
    description.pop("ClientSecret", None)  # never let the secret travel further than this module
    return description


def describe_passkey_configuration(*, client: Any = None) -> dict[str, Any]:
    """GetUserPoolMfaConfig's WebAuthnConfiguration (RelyingPartyId, UserVerification), {} when none is set."""
    params = {"UserPoolId": settings.COGNITO_USER_POOL_ID}
    response = _call("get_user_pool_mfa_config", params, client=client or admin_client())
    configuration = response.get("WebAuthnConfiguration") if isinstance(response, Mapping) else None
    return dict(configuration) if isinstance(configuration, Mapping) else {}


# --- Calling, with error translation and one log line per failure -------------------------------------------------

#: Called after every call with (operation, Cognito error code or "", seconds); signup.metrics sets it.
call_observer: Callable[[str, str, float], None] | None = None


def _logged(operation: str, error: errors.PortalError, aws_code: str = "") -> errors.PortalError:
    logger.warning(
        "cognito.call operation=%s aws_error=%s outcome=%s", operation, aws_code or error.detail[:60], error.code
    )
    return error


@sensitive_variables("params")
def _call(operation: str, params: dict[str, Any], *, client: Any = None) -> Any:
    if client is not None:
        return _call_once(operation, params, client=client)
    circuit = public_circuit()
    try:
        circuit.before_call()
    except errors.CognitoCircuitOpen as error:
        raise _logged(operation, error, "circuit_open") from None
    try:
        response = _call_once(operation, params, client=public_client())
    except errors.PortalError as error:
        circuit.record(error)
        raise
    circuit.record(None)
    return response


@sensitive_variables("params")
def _call_once(operation: str, params: dict[str, Any], *, client: Any) -> Any:
    started = time.monotonic()
    aws_code = ""
    try:
        return getattr(client, operation)(**params)
    except botocore.exceptions.ClientError as exc:
        aws_code = cognito_errors.error_code(exc.response) or "unknown"
        raise _logged(operation, cognito_errors.translate(operation, exc.response), aws_code) from None
    except botocore.exceptions.BotoCoreError as exc:
        aws_code = type(exc).__name__
        raise _logged(operation, cognito_errors.translate_transport(exc, operation), aws_code) from None
    except (ValueError, AttributeError, TypeError, KeyError) as exc:
        # botocore's parser raises these on a reply that is JSON but not an object (fault tests). The exception
        # text may echo parameters, so only its type goes anywhere.
        aws_code = type(exc).__name__
        raise _logged(operation, errors.CognitoBadResponse(detail=aws_code), aws_code) from None
    finally:
        if call_observer is not None:
            call_observer(operation, aws_code, time.monotonic() - started)


# --- The HTTP transport: botocore's requests through libcurl (signup.curl_http) -----------------------------------
# Only the transport changes: botocore still validates, serialises, signs, retries, parses and honours Stubber, and
# the transport raises botocore's own exceptions, so the translation of errors above is unchanged. DirectSend goes
# one step further for the calls that need nothing of botocore's Endpoint layer. `_use_curl` keeps botocore's
# session where libcurl would behave differently: a proxy, a client certificate, gevent, or
# COGNITO_HTTP_CLIENT=botocore.


class _Body:
    """The already-read body, in the shape botocore reads a raw response (`stream()`, `read()`)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, *_: Any, **__: Any) -> Iterator[bytes]:
        yield self._data

    def read(self, *_: Any, **__: Any) -> bytes:
        return self._data


class CurlHTTPSession:
    """botocore's HTTP session interface (`send`, `close`) on signup.curl_http's client."""

    def __init__(self, *, connect_timeout: float, read_timeout: float, verify: str | bool) -> None:
        self._curl = curl_http.CurlClient(connect_timeout=connect_timeout, read_timeout=read_timeout, verify=verify)

    def send(self, request: AWSPreparedRequest) -> AWSResponse:
        body = request.body or b""
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode("utf-8")
        # botocore's per-request override (request context), which its own session honours too.
        read_timeout = (getattr(request, "context", None) or {}).get("read_timeout")
        try:
            reply = self._curl.exchange(request.method, request.url, request.headers, body, read_timeout=read_timeout)
        except curl_http.CurlFailure as failure:
            raise _transport_error(failure, request) from None
        return AWSResponse(request.url, reply.status, reply.headers, _Body(reply.body))

    def close(self) -> None:
        self._curl.close()


_ENDPOINT_ERRORS = {
    "connect_timeout": botocore.exceptions.ConnectTimeoutError,
    "read_timeout": botocore.exceptions.ReadTimeoutError,
    "not_connected": botocore.exceptions.EndpointConnectionError,
    "tls": botocore.exceptions.SSLError,
}


def _transport_error(failure: curl_http.CurlFailure, request: AWSPreparedRequest) -> Exception:
    """botocore's exception for what libcurl reported, the one its urllib3 session raises for the same failure."""
    url, cause = request.url, failure.cause
    if (endpoint_error := _ENDPOINT_ERRORS.get(failure.kind)) is not None:
        return endpoint_error(endpoint_url=url, error=cause)
    if failure.kind == "closed":
        return botocore.exceptions.ConnectionClosedError(endpoint_url=url, error=cause, request=request)
    return botocore.exceptions.HTTPClientError(error=cause)


def _verify(session: botocore.session.Session) -> str | bool:
    """The CA bundle botocore's own session would verify against: AWS_CA_BUNDLE / ca_bundle, REQUESTS_CA_BUNDLE, or
    certifi's."""
    return get_cert_path(session.get_config_variable("ca_bundle") or os.environ.get("REQUESTS_CA_BUNDLE", True))


def _use_curl(client: Any, session: botocore.session.Session, *, connect_timeout: float, read_timeout: float) -> bool:
    """Put a CurlHTTPSession under `client` (made by `session`) unless it needs what only botocore's session does.

    True when it did. A proxy, a client certificate or gevent's patched sockets keep botocore's urllib3 session.
    """
    endpoint = getattr(client, "_endpoint", None)
    config = client.meta.config
    if endpoint is None or not hasattr(endpoint, "http_session") or curl_http.gevent_patched():
        return False
    if config.proxies or config.client_cert or get_environ_proxies(client.meta.endpoint_url):
        return False
    endpoint.http_session = http_session = CurlHTTPSession(
        connect_timeout=connect_timeout, read_timeout=read_timeout, verify=_verify(session)
    )
    if _one_standard_attempt(config.retries or {}):
        # Last of all before-call handlers: a Stubber (registered on before-call.*.*, deeper) answers first.
        client.meta.events.register_last("before-call", DirectSend(http_session), unique_id="portal-direct-send")
    return True


def _one_standard_attempt(retries: Mapping[str, Any]) -> bool:
    return retries.get("mode") == "standard" and retries.get("total_max_attempts") == 1


class DirectSend:
    """A `before-call` handler that sends an unsigned call of a one-attempt client itself, and answers for botocore.

    For such a call botocore's Endpoint layer adds two headers and otherwise only costs CPU: it builds a request
    object, runs the signer (which signs nothing), rebuilds the User-Agent it already built, and asks the retry
    handler, which never retries at one attempt. That is 5-10 % of a sign-up's CPU in one thread
    (docs/benchmarks.md, the tenth pass). What botocore sends is unchanged: it still validates, serialises and
    resolves the endpoint before this handler, the request has the same headers, in the same order, and the reply is
    parsed by botocore's own parser, modelled error fields and response metadata included, so `_make_api_call` raises
    the same ClientError. Signed calls (and anything streamed) decline, and botocore sends them as before.

    Not seen on this path: handlers an application registers on request-created, before-send, response-received
    or needs-retry for these calls (the portal registers none); COGNITO_HTTP_CLIENT=botocore keeps them all.
    """

    def __init__(self, http_session: CurlHTTPSession) -> None:
        self._http_session = http_session

    def __call__(
        self, *, model: OperationModel, params: dict[str, Any], context: dict[str, Any], **_: Any
    ) -> tuple[AWSResponse, dict[str, Any]] | None:
        if not _sent_as_is(model):
            return None
        response = self._http_session.send(_prepared(params, context))
        return response, _parsed(response, model)


def _sent_as_is(model: OperationModel) -> bool:
    unsigned = model.auth_type == "none" or model.auth == ["smithy.api#noAuth"]
    return unsigned and not (model.has_streaming_input or model.has_streaming_output or model.has_event_stream_output)


def _prepared(params: Mapping[str, Any], context: dict[str, Any]) -> AWSPreparedRequest:
    """The request botocore's Endpoint would send: its request-created handlers add the retry headers (the signer
    and the User-Agent rebuild change nothing for an unsigned call), and prepare() the length of the body."""
    retries = context.setdefault("retries", {})
    retries.update(attempt=1, max=1)
    if "invocation-id" not in retries:  # signup.cognito puts one there first
        retries["invocation-id"] = str(uuid.uuid4())
    body = params["body"]
    if isinstance(body, str):
        body = body.encode("utf-8")
    headers = dict(params["headers"])
    headers["amz-sdk-invocation-id"] = retries["invocation-id"]
    headers["amz-sdk-request"] = "attempt=1; max=1"
    headers.setdefault("Content-Length", str(len(body)))
    # As Endpoint.prepare_request: header values go out as UTF-8.
    encoded = {name: value.encode("utf-8") if isinstance(value, str) else value for name, value in headers.items()}
    return AWSPreparedRequest(params["method"], params["url"], encoded, body, False, context)


def _parsed(response: AWSResponse, model: OperationModel) -> dict[str, Any]:
    """The reply as botocore's Endpoint parses it (endpoint.convert_to_response_dict, _add_modeled_error_fields),
    with the metadata its standard retry handler adds at the last attempt."""
    response_dict = {
        "headers": response.headers,
        "status_code": response.status_code,
        "body": response.content,
        "context": {"operation_name": model.name},
    }
    parser = parsers.create_parser(model.service_model.resolved_protocol)
    parsed: dict[str, Any] = parser.parse(response_dict, model.output_shape)
    if response.status_code >= 300 and (error_shape := _modelled_error(model, parsed)) is not None:
        parsed.update(parser.parse(response_dict, error_shape))
    if (metadata := parsed.get("ResponseMetadata")) is not None:
        metadata.update(MaxAttemptsReached=True, RetryAttempts=0)
    return parsed


def _modelled_error(model: OperationModel, parsed: Mapping[str, Any]) -> Any:
    """The service's shape for the error's code, if it models one (its members are parsed into the reply too)."""
    code = parsed.get("Error", {}).get("Code")
    return None if code is None else model.service_model.shape_for_error_code(code)
