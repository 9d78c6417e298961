"""Sign-in after sign-up: SignUp's Session, ConfirmSignUp's Session, InitiateAuth USER_AUTH with it, RevokeToken.

Sessions are opaque, single-use and live for the app client's AuthSessionValidity (minutes, default 3). They are
kept in memory only: a restarted emulator has none, as a real Cognito session would have expired by then anyway.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from localcognito.backend import CognitoError, check_secret_hash, find_client, require_client, require_user

if TYPE_CHECKING:
    from moto.cognitoidp.models import CognitoIdpUserPool, CognitoIdpUserPoolClient

SIGN_UP = "sign-up"
CONFIRMED = "confirmed"
INVALID_SESSION = "Invalid session for the user."


@dataclass(frozen=True)
class _Session:
    kind: str
    pool_id: str
    client_id: str
    username: str
    expires_at: float


def _validity_seconds(client: CognitoIdpUserPoolClient) -> float:
    try:
        minutes = int(client.extended_config.get("AuthSessionValidity") or 3)
    except (TypeError, ValueError):
        minutes = 3
    return 60.0 * minutes


class SessionStore:
    """The emulator's auth sessions. ``clock`` is replaceable so tests can let sessions expire."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._sessions: dict[str, _Session] = {}

    def issue(self, kind: str, pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, username: str) -> str:
        self._drop_expired()
        token = secrets.token_urlsafe(96)  # 128 characters, inside Cognito's 20-2048
        expires_at = self.clock() + _validity_seconds(client)
        self._sessions[token] = _Session(kind, pool.id, client.id, username, expires_at)
        return token

    def consume(self, token: object, kind: str, pool_id: str, client_id: str, username: str) -> bool:
        """Use up ``token`` if it is a live session of this kind for this user and client."""
        if not isinstance(token, str):
            return False
        session = self._sessions.get(token)
        if session is None or (session.kind, session.pool_id, session.client_id) != (kind, pool_id, client_id):
            return False
        if session.username != username:
            return False
        del self._sessions[token]
        return session.expires_at > self.clock()

    def invalidate(self, kind: str, pool_id: str, username: str) -> None:
        for token, session in list(self._sessions.items()):
            if (session.kind, session.pool_id, session.username) == (kind, pool_id, username):
                del self._sessions[token]

    def _drop_expired(self) -> None:
        now = self.clock()
        for token, session in list(self._sessions.items()):
            if session.expires_at <= now:
                del self._sessions[token]

    # Operations ------------------------------------------------------------------------------------------------

    def initiate_user_auth(self, params: dict[str, Any]) -> dict[str, Any]:
        """InitiateAuth with AuthFlow=USER_AUTH and the Session ConfirmSignUp returned: tokens, no challenge."""
        pool, client = require_client(str(params.get("ClientId", "")))
        if "ALLOW_USER_AUTH" not in (client.extended_config.get("ExplicitAuthFlows") or []):
            raise CognitoError("NotAuthorizedException", "USER_AUTH flow not enabled for this client")
        auth = params.get("AuthParameters") or {}
        username = str(auth.get("USERNAME", ""))
        check_secret_hash(client, username, auth.get("SECRET_HASH"))
        user = require_user(pool, username)
        if "Session" not in params:
            raise CognitoError(
                "InvalidParameterException",
                "The local Cognito signs users in with USER_AUTH only with the Session from ConfirmSignUp.",
            )
        if not self.consume(params["Session"], CONFIRMED, pool.id, client.id, user.username):
            raise CognitoError("NotAuthorizedException", INVALID_SESSION)
        return {"ChallengeParameters": {}, "AuthenticationResult": tokens_issue(pool, client, user.username)}

    @staticmethod
    def revoke_token(params: dict[str, Any]) -> dict[str, Any]:
        found = find_client(str(params.get("ClientId", "")))
        if found is None or (found[1].generate_secret and params.get("ClientSecret") != found[1].secret):
            raise CognitoError("UnauthorizedException", "Invalid client or secret")  # Cognito's own wording
        pool, client = found
        if not client.extended_config.get("EnableTokenRevocation", True):
            raise CognitoError("UnsupportedOperationException", "Token revocation is not enabled for this client.")
        token = str(params.get("Token", ""))
        if token.count(".") == 2:  # a JWT: an access or ID token, which RevokeToken does not take
            raise CognitoError("UnsupportedTokenTypeException", "Only refresh tokens can be revoked.")
        issued = pool.refresh_tokens.get(token)
        if issued is None:
            return {}  # RFC 7009, which RevokeToken follows: an unknown token is not an error
        if issued[0] != client.id:
            raise CognitoError("UnauthorizedException", "The token was not issued to this client.")
        pool.refresh_tokens[token] = None  # moto's own mark for a revoked refresh token
        _forget_access_tokens(pool, issued[2])
        return {}


def tokens_issue(pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, username: str) -> dict[str, Any]:
    """Access, ID and refresh tokens from moto's own machinery, so GetUser and REFRESH_TOKEN_AUTH accept them."""
    refresh_token, _ = pool.create_refresh_token(client.id, username)
    access_token, id_token, expires_in = pool.create_tokens_from_refresh_token(refresh_token)
    return {
        "AccessToken": access_token,
        "ExpiresIn": expires_in,
        "TokenType": "Bearer",
        "RefreshToken": refresh_token,
        "IdToken": id_token,
    }


def _claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return {}
    return claims if isinstance(claims, dict) else {}


def _forget_access_tokens(pool: CognitoIdpUserPool, origin_jti: str) -> None:
    # Cognito revokes the access and ID tokens issued with a refresh token together with it.
    for token in list(pool.access_tokens):
        if _claims(token).get("origin_jti") == origin_jti:
            del pool.access_tokens[token]
    for token in list(pool.id_tokens):
        if _claims(token).get("origin_jti") == origin_jti:
            del pool.id_tokens[token]
