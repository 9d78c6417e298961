"""An embedded Cognito user-pool emulator for local development and tests.

moto's server does the bookkeeping (pools, clients, users, password policy); the WSGI middleware in front of it
fills the gaps that matter for the sign-up journey: SecretHash checks, real confirmation codes printed to the
console, ResendConfirmationCode, honest ``CodeDeliveryDetails`` and a few of Cognito's error cases.

moto keeps its state in process-global backends. Every ``LocalCognito`` in a process therefore sees the same pools
and users, while confirmation codes, the outbox and the request log belong to the instance that served the
request. Give each instance (or test module) its own pool name.

Never import this module from product code, and keep Django out of it: it must load without settings.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import io
import json
import logging
import re
import secrets
import threading
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from moto.cognitoidp.models import CognitoIdpUserPoolAttribute, UserStatus, cognitoidp_backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.test import run_wsgi_app
from werkzeug.wrappers import Request, Response

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from moto.cognitoidp.models import CognitoIdpUser, CognitoIdpUserPool, CognitoIdpUserPoolClient

__all__ = [
    "CognitoMiddleware",
    "DeliveredCode",
    "LocalCognito",
    "PoolConfig",
    "RecordedRequest",
    "mask_email",
    "mask_phone",
    "secret_hash",
]

logger = logging.getLogger(__name__)

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
MAX_FAILED_CONFIRMATIONS = 5
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
DUMMY_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}

# Approximations of Cognito's own format checks; they exist mainly because moto crashes on a malformed email
# after it has already stored the user.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+[0-9]{4,15}$")

CUSTOM_ATTRIBUTE_SCHEMA = {
    "AttributeDataType": "String",
    "Mutable": True,
    "Required": False,
    "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"},
}


@dataclass(frozen=True)
class PoolConfig:
    """Everything the portal's settings need to talk to a provisioned pool."""

    region: str
    user_pool_id: str
    client_id: str
    client_secret: str  # "" when the app client has no secret
    endpoint_url: str


@dataclass(frozen=True)
class RecordedRequest:
    """One Cognito API call as the emulator received it (before any interception)."""

    operation: str
    params: dict[str, Any]


@dataclass(frozen=True)
class DeliveredCode:
    """A confirmation code the emulator "sent". ``medium``/``destination`` are None when nothing was deliverable."""

    user_pool_id: str
    username: str
    code: str
    destination: str | None
    medium: str | None


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


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """Base64(HMAC-SHA256(key=client secret, msg=username + client id)), as Cognito computes it."""
    mac = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def mask_phone(phone: str) -> str:
    return f"+*******{phone[-4:]}"


@dataclass
class _PendingCode:
    code: str
    attribute_name: str | None  # the attribute the code went to; confirming it marks that attribute verified
    failed_attempts: int = 0


def _iter_pools() -> Iterator[CognitoIdpUserPool]:
    # Unsigned calls (SignUp, ConfirmSignUp, ...) carry no account or region, so search every backend, as moto's
    # own RegionAgnosticBackend does. list() guards against backends being created while we iterate.
    for account_backends in list(cognitoidp_backends.values()):
        for region, backend in list(account_backends.items()):
            if region == "global":
                continue
            yield from list(backend.user_pools.values())


def _find_client(client_id: str) -> tuple[CognitoIdpUserPool, CognitoIdpUserPoolClient] | None:
    for pool in _iter_pools():
        client = pool.clients.get(client_id)
        if client is not None:
            return pool, client
    return None


def _find_pool(user_pool_id: str) -> CognitoIdpUserPool | None:
    return next((pool for pool in _iter_pools() if pool.id == user_pool_id), None)


def _find_user(pool: CognitoIdpUserPool, username: str) -> CognitoIdpUser | None:
    user = pool._get_user(username)
    if user is not None:
        return user
    # moto ignores UsernameConfiguration.CaseSensitive=False; Cognito treats "Alice" and "alice" as one user.
    if pool.extended_config.get("UsernameConfiguration", {}).get("CaseSensitive", True):
        return None
    folded = username.casefold()
    return next((u for u in list(pool.users.values()) if u.username.casefold() == folded), None)


def _delivery_details(pool: CognitoIdpUserPool, user: CognitoIdpUser) -> dict[str, str] | None:
    auto_verified = pool.extended_config.get("AutoVerifiedAttributes") or []
    phone = user.attribute_lookup.get("phone_number")
    email = user.attribute_lookup.get("email")
    # When a pool verifies both, Cognito sends the code to the phone only.
    if "phone_number" in auto_verified and phone:
        return {"Destination": mask_phone(phone), "DeliveryMedium": "SMS", "AttributeName": "phone_number"}
    if "email" in auto_verified and email:
        return {"Destination": mask_email(email), "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    return None


def _replace_body(environ: WSGIEnvironment, body: bytes) -> None:
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)


class _QuietRequestHandler(MotoRequestHandler):
    """Drops werkzeug's per-request access lines (moto prints them even with verbose=False); keeps errors."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:
        if type == "error":
            logger.error(message, *args)


class CognitoMiddleware:
    """WSGI middleware in front of moto's server app that makes the sign-up operations behave like Cognito."""

    def __init__(self, app: WSGIApplication, *, echo: bool = True) -> None:
        self.app = app
        self.echo = echo
        # One lock for all state; intercepted operations hold it for their whole read-check-forward sequence so a
        # concurrent confirm and resend cannot interleave.
        self._lock = threading.RLock()
        self._codes: dict[tuple[str, str], _PendingCode] = {}
        self._outbox: list[DeliveredCode] = []
        self._requests: list[RecordedRequest] = []
        self._handlers = {
            "SignUp": self._sign_up,
            "ConfirmSignUp": self._confirm_sign_up,
            "ResendConfirmationCode": self._resend_confirmation_code,
        }

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if environ.get("REQUEST_METHOD") != "POST" or not target.startswith(TARGET_PREFIX):
            return self.app(environ, start_response)

        operation = target.removeprefix(TARGET_PREFIX)
        body = Request(environ, populate_request=False).get_data()
        _replace_body(environ, body)  # reading consumed the stream; moto needs its own
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            return self.app(environ, start_response)
        if not isinstance(params, dict):
            return self.app(environ, start_response)

        with self._lock:
            self._requests.append(RecordedRequest(operation, copy.deepcopy(params)))
        handler = self._handlers.get(operation)
        if handler is None:
            return self.app(environ, start_response)
        with self._lock:
            try:
                response = handler(environ, params)
            except CognitoError as error:
                response = error.response()
        return response(environ, start_response)

    # Public inspection API -------------------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    @property
    def outbox(self) -> list[DeliveredCode]:
        with self._lock:
            return list(self._outbox)

    def latest_code(self, user_pool_id: str, username: str) -> str | None:
        """The code that would currently confirm ``username``, or None (unknown user, or already confirmed)."""
        with self._lock:
            pending = self._codes.get((user_pool_id, username))
            if pending is None:
                pool = _find_pool(user_pool_id)
                user = _find_user(pool, username) if pool else None
                pending = self._codes.get((user_pool_id, user.username)) if user else None
            return pending.code if pending else None

    # Operations ------------------------------------------------------------------------------------------------

    def _sign_up(self, environ: WSGIEnvironment, params: dict[str, Any]) -> Response:
        found = _find_client(params.get("ClientId", ""))
        if found is None:
            return self._forward(environ)  # moto answers ResourceNotFoundException
        pool, client = found
        username = params.get("Username", "")
        self._check_secret_hash(client, username, params)
        self._check_attribute_formats(params.get("UserAttributes") or [])
        if _find_user(pool, username) is not None:
            raise CognitoError("UsernameExistsException", "User already exists")

        response = self._forward(environ)
        if response.status_code != 200:
            return response
        user = _find_user(pool, username)
        if user is None:
            return response
        payload = json.loads(response.get_data())
        payload.pop("CodeDeliveryDetails", None)  # moto's are derived from AccountRecoverySetting, not verification
        details = self._issue_code(pool, user)
        if details:
            payload["CodeDeliveryDetails"] = details
        response.set_data(json.dumps(payload))
        return response

    def _confirm_sign_up(self, environ: WSGIEnvironment, params: dict[str, Any]) -> Response:
        found = _find_client(params.get("ClientId", ""))
        if found is None:
            return self._forward(environ)
        pool, client = found
        username = params.get("Username", "")
        self._check_secret_hash(client, username, params)
        user = self._require_user(pool, username)
        if user.status != UserStatus.UNCONFIRMED:
            raise CognitoError("NotAuthorizedException", f"User cannot be confirmed. Current status is {user.status}")

        key = (pool.id, user.username)
        pending = self._codes.get(key)
        if pending is not None and pending.failed_attempts >= MAX_FAILED_CONFIRMATIONS:
            raise CognitoError("TooManyFailedAttemptsException", "Too many failed attempts.")
        code = str(params.get("ConfirmationCode", ""))
        if pending is None or not hmac.compare_digest(code.encode(), pending.code.encode()):
            if pending is not None:
                pending.failed_attempts += 1
            raise CognitoError("CodeMismatchException", "Invalid verification code provided, please try again.")

        if username != user.username:
            # moto looks users up case-sensitively; hand it the stored spelling.
            _replace_body(environ, json.dumps({**params, "Username": user.username}).encode())
        response = self._forward(environ)
        if response.status_code == 200:
            if pending.attribute_name:
                # moto confirms the user but never marks the address the code went to as verified.
                user.update_attributes([{"Name": f"{pending.attribute_name}_verified", "Value": "true"}])
            del self._codes[key]
        return response

    def _resend_confirmation_code(self, environ: WSGIEnvironment, params: dict[str, Any]) -> Response:
        client_id = params.get("ClientId", "")
        found = _find_client(client_id)
        if found is None:
            raise CognitoError("ResourceNotFoundException", client_id)
        pool, client = found
        username = params.get("Username", "")
        self._check_secret_hash(client, username, params)
        user = self._require_user(pool, username)
        if user.status == UserStatus.CONFIRMED:
            raise CognitoError("InvalidParameterException", "User is already confirmed.")
        details = self._issue_code(pool, user)
        # Without a deliverable attribute the code still goes to the console, so local users are never stuck.
        payload = {"CodeDeliveryDetails": details} if details else {}
        return Response(json.dumps(payload), content_type=JSON_CONTENT_TYPE)

    # Helpers ---------------------------------------------------------------------------------------------------

    def _forward(self, environ: WSGIEnvironment) -> Response:
        app_iter, status, headers = run_wsgi_app(self.app, environ, buffered=True)
        headers.remove("Content-Length")
        return Response(b"".join(app_iter), status=status, headers=headers)

    @staticmethod
    def _check_secret_hash(client: CognitoIdpUserPoolClient, username: str, params: dict[str, Any]) -> None:
        if not client.generate_secret:
            return
        received = params.get("SecretHash")
        if not received:
            raise CognitoError(
                "NotAuthorizedException", f"Client {client.id} is configured for secret but secret was not received"
            )
        expected = secret_hash(username, client.id, client.secret)
        if not hmac.compare_digest(str(received).encode(), expected.encode()):
            raise CognitoError("NotAuthorizedException", f"Unable to verify secret hash for client {client.id}")

    @staticmethod
    def _check_attribute_formats(attributes: list[dict[str, Any]]) -> None:
        values = {attr.get("Name"): str(attr.get("Value", "")) for attr in attributes if isinstance(attr, dict)}
        if "email" in values and not EMAIL_RE.match(values["email"]):
            raise CognitoError("InvalidParameterException", "Invalid email address format.")
        if "phone_number" in values and not PHONE_RE.match(values["phone_number"]):
            raise CognitoError("InvalidParameterException", "Invalid phone number format.")

    @staticmethod
    def _require_user(pool: CognitoIdpUserPool, username: str) -> CognitoIdpUser:
        user = _find_user(pool, username)
        if user is None:
            raise CognitoError("UserNotFoundException", "Username/client id combination not found.")
        return user

    def _issue_code(self, pool: CognitoIdpUserPool, user: CognitoIdpUser) -> dict[str, str] | None:
        """Replace the user's code with a fresh one and "deliver" it to the console and the outbox."""
        details = _delivery_details(pool, user)
        code = f"{secrets.randbelow(1_000_000):06d}"
        self._codes[(pool.id, user.username)] = _PendingCode(code, details["AttributeName"] if details else None)
        delivered = DeliveredCode(
            user_pool_id=pool.id,
            username=user.username,
            code=code,
            destination=details["Destination"] if details else None,
            medium=details["DeliveryMedium"] if details else None,
        )
        self._outbox.append(delivered)
        if self.echo:
            self._echo(delivered)
        return details

    @staticmethod
    def _echo(delivered: DeliveredCode) -> None:
        if delivered.medium:
            how = f"sent by {delivered.medium} to {delivered.destination}"
        else:
            how = "not sent: the pool auto-verifies no attribute this user has"
        rule = "-" * 79
        # print() looks sys.stdout up on every call, so pytest's capsys/capfd see codes printed by the server thread.
        print(
            f"{rule}\nCognito (local): confirmation code for {delivered.username}: {delivered.code} ({how})\n"
            f"User pool: {delivered.user_pool_id}\n{rule}",
            flush=True,
        )


class LocalCognito:
    """moto's Cognito, patched by :class:`CognitoMiddleware`, served on loopback from a daemon thread.

    >>> emulator = LocalCognito()
    >>> endpoint_url = emulator.start()
    >>> pool = emulator.provision(attributes=["email", "given_name", "custom:company"])
    >>> emulator.stop()
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, region: str = "us-east-1", echo: bool = True) -> None:
        self.host = host
        self.region = region
        self._requested_port = port
        self.middleware = CognitoMiddleware(DomainDispatcherApplication(create_backend_app), echo=echo)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> LocalCognito:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> str:
        """Start serving (idempotent) and return the endpoint URL, e.g. ``http://127.0.0.1:54321``."""
        if self._server is None:
            # Binding here rather than in the thread makes port clashes raise in the caller.
            server = make_server(
                self.host, self._requested_port, self.middleware, threaded=True, request_handler=_QuietRequestHandler
            )
            self._thread = threading.Thread(target=server.serve_forever, name="localcognito", daemon=True)
            self._server = server
            self._thread.start()
        return self.endpoint_url

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("LocalCognito is not running; call start() first")
        return self._server.server_port

    @property
    def endpoint_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.middleware.requests

    def clear_requests(self) -> None:
        self.middleware.clear_requests()

    @property
    def outbox(self) -> list[DeliveredCode]:
        return self.middleware.outbox

    def latest_code(self, user_pool_id: str, username: str) -> str | None:
        return self.middleware.latest_code(user_pool_id, username)

    def provision(
        self, attributes: Iterable[str] = ("email",), *, client_secret: bool = True, name: str = "portal-local"
    ) -> PoolConfig:
        """Create (or find, by name) a user pool and app client shaped like the portal's real one.

        ``attributes`` are Cognito attribute names: standard ones (``email``, ``given_name``...) and ``custom:``
        ones. An existing pool with the same name is returned unchanged, so re-provisioning is idempotent.
        """
        attributes = list(dict.fromkeys(attributes))
        cognito = boto3.client(
            "cognito-idp",
            region_name=self.region,
            endpoint_url=self.endpoint_url,
            config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
            **DUMMY_CREDENTIALS,
        )
        user_pool_id = self._find_pool_id(cognito, name) or self._create_pool(cognito, name, attributes)
        client_id, secret = self._find_client(cognito, user_pool_id, name, client_secret) or self._create_client(
            cognito, user_pool_id, name, client_secret, attributes
        )
        return PoolConfig(self.region, user_pool_id, client_id, secret, self.endpoint_url)

    @staticmethod
    def _find_pool_id(cognito: Any, name: str) -> str | None:
        for page in cognito.get_paginator("list_user_pools").paginate(MaxResults=60):
            for pool in page["UserPools"]:
                if pool["Name"] == name:
                    return pool["Id"]
        return None

    @staticmethod
    def _create_pool(cognito: Any, name: str, attributes: list[str]) -> str:
        schema = [_schema_entry(attribute) for attribute in attributes]
        response = cognito.create_user_pool(
            PoolName=name,
            # moto treats every omitted Require* flag as True, so spell the whole policy out.
            Policies={
                "PasswordPolicy": {
                    "MinimumLength": 8,
                    "RequireUppercase": False,
                    "RequireLowercase": False,
                    "RequireNumbers": False,
                    "RequireSymbols": False,
                }
            },
            AutoVerifiedAttributes=["email"] if "email" in attributes else [],
            AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
            UsernameConfiguration={"CaseSensitive": False},
            Schema=schema,
        )
        return response["UserPool"]["Id"]

    @staticmethod
    def _find_client(cognito: Any, user_pool_id: str, name: str, with_secret: bool) -> tuple[str, str] | None:
        pages = cognito.get_paginator("list_user_pool_clients").paginate(UserPoolId=user_pool_id, MaxResults=60)
        for page in pages:
            for summary in page["UserPoolClients"]:
                if summary["ClientName"] != name:
                    continue
                client = cognito.describe_user_pool_client(UserPoolId=user_pool_id, ClientId=summary["ClientId"])
                secret = client["UserPoolClient"].get("ClientSecret", "")
                if bool(secret) == with_secret:
                    return summary["ClientId"], secret
        return None

    @staticmethod
    def _create_client(
        cognito: Any, user_pool_id: str, name: str, with_secret: bool, attributes: list[str]
    ) -> tuple[str, str]:
        response = cognito.create_user_pool_client(
            UserPoolId=user_pool_id,
            ClientName=name,
            GenerateSecret=with_secret,
            # Without WriteAttributes an app client may write standard attributes only, not custom ones.
            WriteAttributes=attributes,
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            # Cognito accepts UserContextData.IpAddress only when this is on, and only for clients with a secret.
            EnablePropagateAdditionalUserContextData=with_secret,
        )
        client = response["UserPoolClient"]
        if not with_secret:
            return client["ClientId"], ""
        # moto's secrets are UUIDs; Cognito's are 51 characters of [a-z0-9], which the portal's checks expect.
        found = _find_client(client["ClientId"])
        assert found is not None
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        found[1].secret = "".join(secrets.choice(alphabet) for _ in range(51))
        return client["ClientId"], found[1].secret


def _schema_entry(attribute: str) -> dict[str, Any]:
    # moto lists only the attributes passed in Schema, so standard ones must be passed explicitly too.
    if attribute.startswith("custom:"):
        return {"Name": attribute.removeprefix("custom:"), **copy.deepcopy(CUSTOM_ATTRIBUTE_SCHEMA)}
    standard = CognitoIdpUserPoolAttribute.STANDARD_SCHEMA.get(attribute)
    if standard is None:
        raise ValueError(f"{attribute!r} is neither a standard Cognito attribute nor a 'custom:' one")
    return {"Name": attribute, **copy.deepcopy(standard)}
