"""An embedded Cognito user-pool emulator for local development and tests.

moto's server does the bookkeeping (pools, clients, users, password policy, tokens); the WSGI middleware in front
of it fills the gaps that matter for the sign-up journey: SecretHash checks, real confirmation codes (or links)
printed to the console, ResendConfirmationCode, honest ``CodeDeliveryDetails``, passwordless sign-up, sign-in
after sign-up with Session, token revocation, passkey registration, and a JSON state file that survives restarts.

moto keeps its state in process-global backends. Every ``LocalCognito`` in a process therefore sees the same pools
and users, while confirmation codes, sessions, passkeys, the outbox and the request log belong to the instance
that served the request. Give each instance (or test module) its own pool name.

Never import this module from product code, and keep Django out of it: it must load without settings.
"""

from __future__ import annotations

import copy
import hmac
import io
import json
import logging
import re
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from moto.cognitoidp.models import UserStatus
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.test import run_wsgi_app
from werkzeug.wrappers import Request, Response

from localcognito import links, persistence, provisioning
from localcognito.backend import (
    CONFIRM_WITH_CODE,
    CONFIRM_WITH_LINK,
    CognitoError,
    check_secret_hash,
    default_email_option,
    find_client,
    find_pool,
    find_user,
    first_auth_factors,
    iter_pools,
    json_response,
    require_client,
    require_user,
    secret_hash,
)
from localcognito.passkeys import PasskeyStore
from localcognito.provisioning import DEFAULT_CALLBACK_URLS, PoolOptions
from localcognito.sessions import CONFIRMED, SIGN_UP, SessionStore

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from moto.cognitoidp.models import CognitoIdpUser, CognitoIdpUserPool, CognitoIdpUserPoolClient

__all__ = [
    "CONFIRM_WITH_CODE",
    "CONFIRM_WITH_LINK",
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
DUMMY_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
# Operations that change nothing worth saving (tokens and sessions are not persisted).
READ_ONLY_PREFIXES = ("Describe", "List", "Get", "AdminGet", "AdminList")
NOT_PERSISTED = frozenset(
    {
        "InitiateAuth",
        "AdminInitiateAuth",
        "RespondToAuthChallenge",
        "AdminRespondToAuthChallenge",
        "StartWebAuthnRegistration",
        "RevokeToken",
        "GlobalSignOut",
        "AdminUserGlobalSignOut",
    }
)

# Approximations of Cognito's own format checks; they exist mainly because moto crashes on a malformed email
# after it has already stored the user.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+[0-9]{4,15}$")


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
    """A confirmation code the emulator "sent". ``medium``/``destination`` are None when nothing was deliverable;
    ``link`` is the confirmation link sent instead of the code (pools that confirm with a link, by e-mail)."""

    user_pool_id: str
    username: str
    code: str
    destination: str | None
    medium: str | None
    link: str | None = None


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


def _mutates(operation: str) -> bool:
    return not operation.startswith(READ_ONLY_PREFIXES) and operation not in NOT_PERSISTED


def _placeholder_password(pool: CognitoIdpUserPool) -> str:
    # moto insists on a password; a passwordless user gets an unguessable one that is dropped right after.
    policy = (pool.extended_config.get("Policies") or {}).get("PasswordPolicy") or {}
    length = min(max(32, int(policy.get("MinimumLength") or 8)), 98)
    return ("Aa1!" + secrets.token_hex(length))[:length]


class _QuietRequestHandler(MotoRequestHandler):
    """Drops werkzeug's per-request access lines (moto prints them even with verbose=False); keeps errors."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:
        if type == "error":
            logger.error(message, *args)


Handler = Callable[["WSGIEnvironment", dict[str, Any]], Response]


class CognitoMiddleware:
    """WSGI middleware in front of moto's server app that makes the sign-up operations behave like Cognito.

    With a ``state_path``, every change is saved to that JSON file and :meth:`load` brings it back.
    """

    def __init__(self, app: WSGIApplication, *, echo: bool = True, state_path: Path | None = None) -> None:
        self.app = app
        self.echo = echo
        self.state_path = state_path
        # One lock for all state; operations hold it for their whole read-check-forward sequence so a concurrent
        # confirm and resend cannot interleave, and a snapshot never sees a half-made change.
        self._lock = threading.RLock()
        self._codes: dict[tuple[str, str], _PendingCode] = {}
        self._outbox: list[DeliveredCode] = []
        self._requests: list[RecordedRequest] = []
        self._owned_pools: set[str] = set()  # the pools this instance saves
        self.sessions = SessionStore()
        self.passkeys = PasskeyStore()
        self._handlers: dict[str, Handler] = {
            "SignUp": self._sign_up,
            "ConfirmSignUp": self._confirm_sign_up,
            "ResendConfirmationCode": self._resend_confirmation_code,
            "CreateUserPool": self._create_user_pool,
            "DescribeUserPool": self._describe_user_pool,
            "SetUserPoolMfaConfig": self._set_user_pool_mfa_config,
            "GetUserPoolMfaConfig": self._get_user_pool_mfa_config,
            "InitiateAuth": self._initiate_auth,
            "RevokeToken": lambda _environ, params: json_response(self.sessions.revoke_token(params)),
            "StartWebAuthnRegistration": self._json(self.passkeys.start_registration),
            "CompleteWebAuthnRegistration": self._json(self.passkeys.complete_registration),
            "ListWebAuthnCredentials": self._json(self.passkeys.list_credentials),
            "DeleteWebAuthnCredential": self._json(self.passkeys.delete_credential),
        }

    @staticmethod
    def _json(operation: Callable[[dict[str, Any]], dict[str, Any]]) -> Handler:
        return lambda _environ, params: json_response(operation(params))

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO") == links.CONFIRM_PATH:
            with self._lock:
                response = self._confirm_link(environ)
            return response(environ, start_response)
        parsed = self._parse(environ)
        if parsed is None:
            return self.app(environ, start_response)
        operation, params = parsed
        with self._lock:
            self._requests.append(RecordedRequest(operation, copy.deepcopy(params)))
            response = self._dispatch(environ, operation, params)
            if response.status_code == 200 and _mutates(operation):
                self.persist()
        return response(environ, start_response)

    @staticmethod
    def _parse(environ: WSGIEnvironment) -> tuple[str, dict[str, Any]] | None:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if environ.get("REQUEST_METHOD") != "POST" or not target.startswith(TARGET_PREFIX):
            return None
        body = Request(environ, populate_request=False).get_data()
        _replace_body(environ, body)  # reading consumed the stream; moto needs its own
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            return None
        return (target.removeprefix(TARGET_PREFIX), params) if isinstance(params, dict) else None

    def _dispatch(self, environ: WSGIEnvironment, operation: str, params: dict[str, Any]) -> Response:
        handler = self._handlers.get(operation)
        try:
            return handler(environ, params) if handler else self._forward(environ)
        except CognitoError as error:
            return error.response()

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
                pool = find_pool(user_pool_id)
                user = find_user(pool, username) if pool else None
                pending = self._codes.get((user_pool_id, user.username)) if user else None
            return pending.code if pending else None

    # Persistence -----------------------------------------------------------------------------------------------

    def own(self, user_pool_id: str) -> None:
        """Save this pool with the others (pools created through this instance are saved anyway)."""
        with self._lock:
            self._owned_pools.add(user_pool_id)

    def persist(self) -> None:
        """Write every owned pool, pending code and passkey to the state file (no-op without one)."""
        if self.state_path is None:
            return
        with self._lock:
            pools = [persistence.pool_snapshot(pool) for pool in iter_pools() if pool.id in self._owned_pools]
            codes = [
                {"pool_id": pool_id, "username": username, **vars(pending)}
                for (pool_id, username), pending in self._codes.items()
                if pool_id in self._owned_pools
            ]
            passkeys = self.passkeys.snapshot(self._owned_pools)
            persistence.write_atomically(self.state_path, {"pools": pools, "codes": codes, "passkeys": passkeys})

    def load(self) -> None:
        """Recreate the saved pools in moto's backend (same ids, secrets and users) and the pending codes."""
        if self.state_path is None:
            return
        with self._lock:
            data = persistence.read(self.state_path)
            if data is None:
                return
            self._owned_pools.update(persistence.pools_restore(data.get("pools") or []))
            for item in data.get("codes") or []:
                key = (item["pool_id"], item["username"])
                self._codes[key] = _PendingCode(item["code"], item["attribute_name"], item["failed_attempts"])
            self.passkeys.restore(data.get("passkeys") or {})

    # Sign-up operations ----------------------------------------------------------------------------------------

    def _sign_up(self, environ: WSGIEnvironment, params: dict[str, Any]) -> Response:
        found = find_client(str(params.get("ClientId", "")))
        if found is None:
            return self._forward(environ)  # moto answers ResourceNotFoundException
        pool, client = found
        username = str(params.get("Username", ""))
        check_secret_hash(client, username, params.get("SecretHash"))
        self._check_attribute_formats(params.get("UserAttributes") or [])
        if find_user(pool, username) is not None:
            raise CognitoError("UsernameExistsException", "User already exists")
        passwordless = not params.get("Password")
        if passwordless:
            self._check_passwordless(pool, username, params.get("UserAttributes") or [])
            _replace_body(environ, json.dumps({**params, "Password": _placeholder_password(pool)}).encode())

        response = self._forward(environ)
        user = find_user(pool, username) if response.status_code == 200 else None
        if user is None:
            return response
        if passwordless:
            user.password = None
        payload = json.loads(response.get_data())
        payload.pop("CodeDeliveryDetails", None)  # moto's are derived from AccountRecoverySetting, not verification
        details = self._issue_code(environ, pool, client, user)
        if details:
            payload["CodeDeliveryDetails"] = details
        payload["Session"] = self.sessions.issue(SIGN_UP, pool, client, user.username)
        return json_response(payload)

    @staticmethod
    def _check_passwordless(pool: CognitoIdpUserPool, username: str, attributes: list[dict[str, Any]]) -> None:
        factors = first_auth_factors(pool)
        if not {"EMAIL_OTP", "SMS_OTP"} & set(factors):
            raise CognitoError(
                "InvalidParameterException", "Password is required: the user pool has no passwordless sign-in."
            )
        values = {str(a.get("Name")): str(a.get("Value", "")) for a in attributes if isinstance(a, dict)}
        for attribute in pool.extended_config.get("UsernameAttributes") or []:
            values.setdefault(attribute, username)  # the username is the address in such pools
        if ("EMAIL_OTP" in factors and values.get("email")) or ("SMS_OTP" in factors and values.get("phone_number")):
            return
        raise CognitoError(
            "InvalidParameterException",
            "A sign-up without a password needs the email address or phone number its one-time passwords go to.",
        )

    def _confirm_sign_up(self, environ: WSGIEnvironment, params: dict[str, Any]) -> Response:
        found = find_client(str(params.get("ClientId", "")))
        if found is None:
            return self._forward(environ)
        pool, client = found
        username = str(params.get("Username", ""))
        check_secret_hash(client, username, params.get("SecretHash"))
        user = require_user(pool, username)
        if user.status != UserStatus.UNCONFIRMED:
            raise CognitoError("NotAuthorizedException", f"User cannot be confirmed. Current status is {user.status}")
        self._check_code(pool, user, str(params.get("ConfirmationCode", "")))
        self._mark_confirmed(pool, user)
        payload: dict[str, Any] = {}
        # Cognito does not document what ConfirmSignUp does with a Session that is not the user's live sign-up
        # Session (unknown, expired, used). The code alone proves the address, so the emulator confirms anyway and
        # only withholds the new Session: the user then signs in the ordinary way.
        if "Session" in params and self.sessions.consume(params["Session"], SIGN_UP, pool.id, client.id, user.username):
            payload["Session"] = self.sessions.issue(CONFIRMED, pool, client, user.username)
        self.sessions.invalidate(SIGN_UP, pool.id, user.username)
        return json_response(payload)

    def _resend_confirmation_code(self, environ: WSGIEnvironment, params: dict[str, Any]) -> Response:
        pool, client = require_client(str(params.get("ClientId", "")))
        username = str(params.get("Username", ""))
        check_secret_hash(client, username, params.get("SecretHash"))
        user = require_user(pool, username)
        if user.status == UserStatus.CONFIRMED:
            raise CognitoError("InvalidParameterException", "User is already confirmed.")
        self.sessions.invalidate(SIGN_UP, pool.id, user.username)
        details = self._issue_code(environ, pool, client, user)
        # Without a deliverable attribute the code still goes to the console, so local users are never stuck.
        return json_response({"CodeDeliveryDetails": details} if details else {})

    def _confirm_link(self, environ: WSGIEnvironment) -> Response:
        """A browser following the e-mailed link: confirm as ConfirmSignUp would, answer with a small page."""
        query = Request(environ).args
        found = find_client(query.get("client_id", ""))
        user = find_user(found[0], query.get("user_name", "")) if found else None
        if found is None or user is None or user.status != UserStatus.UNCONFIRMED:
            return links.error_page("This confirmation link is not valid, or it has been used already.")
        try:
            self._check_code(found[0], user, query.get("confirmation_code", ""))
        except CognitoError:
            return links.error_page("This confirmation link is not valid, or it has expired.")
        self._mark_confirmed(found[0], user)
        self.persist()
        return links.confirmed_page()

    # Pool settings moto does not keep --------------------------------------------------------------------------

    def _create_user_pool(self, environ: WSGIEnvironment, params: dict[str, Any]) -> Response:
        response = self._forward(environ)
        if response.status_code == 200:
            self._owned_pools.add(json.loads(response.get_data())["UserPool"]["Id"])
        return response

    def _describe_user_pool(self, environ: WSGIEnvironment, params: dict[str, Any]) -> Response:
        response = self._forward(environ)
        if response.status_code != 200:
            return response
        payload = json.loads(response.get_data())
        pool = payload["UserPool"]
        # Cognito's defaults for new pools: the Essentials plan, password sign-in, confirmation by code.
        pool.setdefault("UserPoolTier", "ESSENTIALS")
        policies = pool.setdefault("Policies", {})
        policies.setdefault("SignInPolicy", {"AllowedFirstAuthFactors": ["PASSWORD"]})
        template = pool.get("VerificationMessageTemplate") or {}
        pool["VerificationMessageTemplate"] = {"DefaultEmailOption": CONFIRM_WITH_CODE, **template}
        return json_response(payload)

    def _set_user_pool_mfa_config(self, environ: WSGIEnvironment, params: dict[str, Any]) -> Response:
        pool = find_pool(str(params.get("UserPoolId", "")))
        if pool is None:
            return self._forward(environ)
        webauthn = params.pop("WebAuthnConfiguration", None)
        params.setdefault("MfaConfiguration", pool.mfa_config)
        _replace_body(environ, json.dumps(params).encode())
        response = self._forward(environ)
        if response.status_code == 200 and isinstance(webauthn, dict):
            self.passkeys.configurations[pool.id] = {
                "RelyingPartyId": str(webauthn.get("RelyingPartyId", "")),
                "UserVerification": str(webauthn.get("UserVerification") or "preferred"),
            }
        return self._with_webauthn_configuration(pool, response)

    def _get_user_pool_mfa_config(self, environ: WSGIEnvironment, params: dict[str, Any]) -> Response:
        pool = find_pool(str(params.get("UserPoolId", "")))
        response = self._forward(environ)
        return self._with_webauthn_configuration(pool, response) if pool else response

    def _with_webauthn_configuration(self, pool: CognitoIdpUserPool, response: Response) -> Response:
        config = self.passkeys.configurations.get(pool.id)
        if response.status_code != 200 or config is None:
            return response
        payload = {k: v for k, v in json.loads(response.get_data()).items() if v is not None}
        return json_response({**payload, "WebAuthnConfiguration": config})

    def _initiate_auth(self, environ: WSGIEnvironment, params: dict[str, Any]) -> Response:
        if params.get("AuthFlow") != "USER_AUTH":
            return self._forward(environ)  # moto's own flows (password, SRP, refresh)
        return json_response(self.sessions.initiate_user_auth(params))

    # Helpers ---------------------------------------------------------------------------------------------------

    def _forward(self, environ: WSGIEnvironment) -> Response:
        app_iter, status, headers = run_wsgi_app(self.app, environ, buffered=True)
        headers.remove("Content-Length")
        return Response(b"".join(app_iter), status=status, headers=headers)

    @staticmethod
    def _check_attribute_formats(attributes: list[dict[str, Any]]) -> None:
        values = {attr.get("Name"): str(attr.get("Value", "")) for attr in attributes if isinstance(attr, dict)}
        if "email" in values and not EMAIL_RE.match(values["email"]):
            raise CognitoError("InvalidParameterException", "Invalid email address format.")
        if "phone_number" in values and not PHONE_RE.match(values["phone_number"]):
            raise CognitoError("InvalidParameterException", "Invalid phone number format.")

    def _check_code(self, pool: CognitoIdpUserPool, user: CognitoIdpUser, code: str) -> None:
        pending = self._codes.get((pool.id, user.username))
        if pending is not None and pending.failed_attempts >= MAX_FAILED_CONFIRMATIONS:
            raise CognitoError("TooManyFailedAttemptsException", "Too many failed attempts.")
        if pending is None or not hmac.compare_digest(code.encode(), pending.code.encode()):
            if pending is not None:
                pending.failed_attempts += 1
            raise CognitoError("CodeMismatchException", "Invalid verification code provided, please try again.")

    def _mark_confirmed(self, pool: CognitoIdpUserPool, user: CognitoIdpUser) -> None:
        pending = self._codes.pop((pool.id, user.username), None)
        user.status = UserStatus.CONFIRMED
        if pending is not None and pending.attribute_name:
            # moto never marks the address the code went to as verified; Cognito does.
            user.update_attributes([{"Name": f"{pending.attribute_name}_verified", "Value": "true"}])

    def _issue_code(
        self, environ: WSGIEnvironment, pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, user: CognitoIdpUser
    ) -> dict[str, str] | None:
        """Replace the user's code with a fresh one and "deliver" it (or a link) to the console and the outbox."""
        details = _delivery_details(pool, user)
        code = f"{secrets.randbelow(1_000_000):06d}"
        self._codes[(pool.id, user.username)] = _PendingCode(code, details["AttributeName"] if details else None)
        link = None
        if details and details["DeliveryMedium"] == "EMAIL" and default_email_option(pool) == CONFIRM_WITH_LINK:
            link = links.confirmation_link(links.base_url(environ), client.id, user.username, code)
        delivered = DeliveredCode(
            user_pool_id=pool.id,
            username=user.username,
            code=code,
            destination=details["Destination"] if details else None,
            medium=details["DeliveryMedium"] if details else None,
            link=link,
        )
        self._outbox.append(delivered)
        if self.echo:
            _echo(delivered)
        return details


def _echo(delivered: DeliveredCode) -> None:
    if delivered.medium:
        how = f"sent by {delivered.medium} to {delivered.destination}"
    else:
        how = "not sent: the pool auto-verifies no attribute this user has"
    what = (
        f"link for {delivered.username}: {delivered.link}"
        if delivered.link
        else (f"code for {delivered.username}: {delivered.code}")
    )
    rule = "-" * 79
    # print() looks sys.stdout up on every call, so pytest's capsys/capfd see codes printed by the server thread.
    print(
        f"{rule}\nCognito (local): confirmation {what} ({how})\nUser pool: {delivered.user_pool_id}\n{rule}",
        flush=True,
    )


class LocalCognito:
    """moto's Cognito, patched by :class:`CognitoMiddleware`, served on loopback from a daemon thread.

    With ``state_path``, the emulator saves its pools, users, codes and passkeys there after every change and
    restores them on :meth:`start`, so the same pool id, client id and secret come back. Without it, nothing is
    written anywhere.

    >>> emulator = LocalCognito()
    >>> endpoint_url = emulator.start()
    >>> pool = emulator.provision(attributes=["email", "given_name", "custom:company"])
    >>> emulator.stop()
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        region: str = "us-east-1",
        echo: bool = True,
        state_path: str | Path | None = None,
    ) -> None:
        self.host = host
        self.region = region
        self.state_path = Path(state_path) if state_path is not None else None
        self._requested_port = port
        self.middleware = CognitoMiddleware(
            DomainDispatcherApplication(create_backend_app), echo=echo, state_path=self.state_path
        )
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> LocalCognito:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> str:
        """Restore the saved state (if any), start serving (idempotent) and return the endpoint URL."""
        if self._server is None:
            self.middleware.load()
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

    def admin_client(self) -> Any:
        """A boto3 client on this emulator with dummy credentials (it checks no signatures)."""
        return boto3.client(
            "cognito-idp",
            region_name=self.region,
            endpoint_url=self.endpoint_url,
            config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
            **DUMMY_CREDENTIALS,
        )

    def provision(
        self,
        attributes: Iterable[str] = ("email",),
        *,
        client_secret: bool = True,
        name: str = "portal-local",
        first_auth_factors: Iterable[str] = ("PASSWORD",),
        default_email_option: str = CONFIRM_WITH_CODE,
        webauthn_relying_party_id: str | None = None,
        webauthn_user_verification: str = "preferred",
        callback_urls: Iterable[str] = DEFAULT_CALLBACK_URLS,
    ) -> PoolConfig:
        """Create (or find, by name, and update) a user pool and app client shaped like the portal's real one.

        ``attributes`` are the Cognito attribute names the portal writes: the pool always has every standard one,
        plus the ``custom:`` ones named here. ``first_auth_factors`` (PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN) is
        the pool's sign-in policy; ``default_email_option`` is CONFIRM_WITH_CODE or CONFIRM_WITH_LINK;
        ``webauthn_relying_party_id`` (e.g. "localhost") enables passkey registration. A pool that exists already
        keeps its ids and users; missing custom attributes are added and changed options applied.
        """
        attributes = list(dict.fromkeys(attributes))
        options = PoolOptions(
            first_auth_factors=tuple(first_auth_factors),
            default_email_option=default_email_option,
            webauthn_relying_party_id=webauthn_relying_party_id,
            webauthn_user_verification=webauthn_user_verification,
            callback_urls=tuple(callback_urls),
        )
        cognito = self.admin_client()
        user_pool_id = provisioning.pool_id_find(cognito, name)
        if user_pool_id is None:
            user_pool_id = provisioning.pool_create(cognito, name, attributes, options)
        else:
            provisioning.pool_options_apply(cognito, user_pool_id, options)
        self.middleware.own(user_pool_id)
        client_id, secret = self._provision_client(cognito, user_pool_id, name, client_secret, attributes, options)
        self.middleware.persist()
        return PoolConfig(self.region, user_pool_id, client_id, secret, self.endpoint_url)

    def _provision_client(
        self, cognito: Any, user_pool_id: str, name: str, with_secret: bool, attributes: list[str], options: PoolOptions
    ) -> tuple[str, str]:
        described = provisioning.client_find(cognito, user_pool_id, name, with_secret)
        if described is not None:
            provisioning.client_options_apply(cognito, described, options)
            provisioning.pool_attributes_ensure(cognito, user_pool_id, described["ClientId"], attributes)
            return described["ClientId"], described.get("ClientSecret", "")
        described = provisioning.client_create(cognito, user_pool_id, name, with_secret, attributes, options)
        if not with_secret:
            return described["ClientId"], ""
        # moto's secrets are UUIDs; Cognito's are 51 characters of [a-z0-9], which the portal's checks expect.
        _, client = require_client(described["ClientId"])
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        with self.middleware._lock:
            client.secret = "".join(secrets.choice(alphabet) for _ in range(51))
        return client.id, client.secret
