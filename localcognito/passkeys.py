"""Passkeys: the pool's WebAuthnConfiguration, StartWebAuthnRegistration, CompleteWebAuthnRegistration (a real
attestation check with the `webauthn` library), ListWebAuthnCredentials and DeleteWebAuthnCredential."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from hashlib import sha256
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from webauthn import generate_registration_options, options_to_json, verify_registration_response
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, parse_attestation_object, parse_client_data_json
from webauthn.helpers.exceptions import InvalidJSONStructure, WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from localcognito.backend import CognitoError, first_auth_factors, user_by_access_token

if TYPE_CHECKING:
    from moto.cognitoidp.models import CognitoIdpUser, CognitoIdpUserPool

CHALLENGE_SECONDS = 300.0


@dataclass(frozen=True)
class _Challenge:
    challenge: bytes
    client_id: str
    expires_at: float


@dataclass(frozen=True)
class StoredCredential:
    """One registered passkey, as ListWebAuthnCredentials describes it (plus the key, for a later sign-in)."""

    pool_id: str
    username: str
    credential_id: str
    public_key: str  # base64url COSE key
    sign_count: int
    relying_party_id: str
    friendly_name: str
    attachment: str | None
    transports: list[str]
    created_at: float

    def describe(self) -> dict[str, Any]:
        description: dict[str, Any] = {
            "CredentialId": self.credential_id,
            "FriendlyCredentialName": self.friendly_name,
            "RelyingPartyId": self.relying_party_id,
            "AuthenticatorTransports": self.transports,
            "CreatedAt": self.created_at,
        }
        if self.attachment:
            description["AuthenticatorAttachment"] = self.attachment
        return description


def allowed_origins(origin: str, rp_id: str) -> bool:
    """Cognito accepts the RP id's own https origin and its subdomains; browsers also allow http://localhost."""
    parts = urlsplit(origin)
    host = (parts.hostname or "").lower()
    rp_id = rp_id.lower()
    if parts.scheme == "https" and (host == rp_id or host.endswith("." + rp_id)):
        return True
    return rp_id == "localhost" and parts.scheme == "http" and host == "localhost"


class PasskeyStore:
    """Per-pool WebAuthn configuration, pending registration challenges and registered credentials."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.configurations: dict[str, dict[str, str]] = {}  # pool id -> WebAuthnConfiguration
        self.credentials: list[StoredCredential] = []
        self._challenges: dict[tuple[str, str], _Challenge] = {}

    # State for persistence -------------------------------------------------------------------------------------

    def snapshot(self, pool_ids: set[str]) -> dict[str, Any]:
        return {
            "configurations": {k: v for k, v in self.configurations.items() if k in pool_ids},
            "credentials": [asdict(c) for c in self.credentials if c.pool_id in pool_ids],
        }

    def restore(self, data: dict[str, Any]) -> None:
        self.configurations.update(data.get("configurations") or {})
        known = {(c.pool_id, c.credential_id) for c in self.credentials}
        for item in data.get("credentials") or []:
            credential = StoredCredential(**item)
            if (credential.pool_id, credential.credential_id) not in known:
                self.credentials.append(credential)

    # Operations ------------------------------------------------------------------------------------------------

    def start_registration(self, params: dict[str, Any]) -> dict[str, Any]:
        pool, client_id, user = user_by_access_token(str(params.get("AccessToken", "")))
        config = self._configuration(pool)
        verification = UserVerificationRequirement(config.get("UserVerification", "preferred"))
        options = generate_registration_options(
            rp_id=config["RelyingPartyId"],
            rp_name=pool.name,
            user_name=user.username,
            user_id=user.id.encode(),
            user_display_name=user.username,
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.REQUIRED, user_verification=verification
            ),
            exclude_credentials=[
                PublicKeyCredentialDescriptor(id=base64url_to_bytes(c.credential_id))
                for c in self._of(pool.id, user.username)
            ],
        )
        expires_at = self.clock() + CHALLENGE_SECONDS
        self._challenges[(pool.id, user.username)] = _Challenge(options.challenge, client_id, expires_at)
        return {"CredentialCreationOptions": json.loads(options_to_json(options))}

    def complete_registration(self, params: dict[str, Any]) -> dict[str, Any]:
        pool, client_id, user = user_by_access_token(str(params.get("AccessToken", "")))
        config = self._configuration(pool)
        credential = params.get("Credential")
        if not isinstance(credential, dict):
            raise CognitoError("InvalidParameterException", "Credential must be a JSON object.")
        challenge = self._challenges.get((pool.id, user.username))
        if challenge is None or challenge.expires_at <= self.clock():
            raise CognitoError("WebAuthnChallengeNotFoundException", "The registration challenge was not found.")
        if challenge.client_id != client_id:
            raise CognitoError("WebAuthnClientMismatchException", "The access token is for another app client.")
        self._precheck(credential, challenge.challenge, config["RelyingPartyId"])
        stored = self._verify(pool, user, credential, challenge.challenge, config)
        del self._challenges[(pool.id, user.username)]
        self.credentials.append(stored)
        return {}

    def list_credentials(self, params: dict[str, Any]) -> dict[str, Any]:
        pool, _, user = user_by_access_token(str(params.get("AccessToken", "")))
        return {"Credentials": [c.describe() for c in self._of(pool.id, user.username)]}

    def delete_credential(self, params: dict[str, Any]) -> dict[str, Any]:
        pool, _, user = user_by_access_token(str(params.get("AccessToken", "")))
        wanted = params.get("CredentialId")
        mine = [c for c in self._of(pool.id, user.username) if c.credential_id == wanted]
        if not mine:
            raise CognitoError("ResourceNotFoundException", "The credential was not found.")
        self.credentials.remove(mine[0])
        return {}

    # Helpers ---------------------------------------------------------------------------------------------------

    def _of(self, pool_id: str, username: str) -> list[StoredCredential]:
        return [c for c in self.credentials if (c.pool_id, c.username) == (pool_id, username)]

    def _configuration(self, pool: CognitoIdpUserPool) -> dict[str, str]:
        if "WEB_AUTHN" not in first_auth_factors(pool):
            raise CognitoError("WebAuthnNotEnabledException", "Passkeys are not enabled for this user pool.")
        config = self.configurations.get(pool.id) or {}
        if not config.get("RelyingPartyId"):
            raise CognitoError("WebAuthnConfigurationMissingException", "The user pool has no relying party id.")
        return config

    @staticmethod
    def _precheck(credential: dict[str, Any], challenge: bytes, rp_id: str) -> None:
        """Tell apart the failures Cognito names before the library's all-in-one verification."""
        response = credential.get("response") or {}
        try:
            client_data = parse_client_data_json(base64url_to_bytes(str(response.get("clientDataJSON", ""))))
            attestation = parse_attestation_object(base64url_to_bytes(str(response.get("attestationObject", ""))))
        except Exception as error:  # the parsers raise whatever base64, JSON or CBOR raise
            raise CognitoError("InvalidParameterException", "The credential is malformed.") from error
        if client_data.challenge != challenge:
            raise CognitoError("WebAuthnChallengeNotFoundException", "The credential answers no pending challenge.")
        if not allowed_origins(client_data.origin, rp_id):
            raise CognitoError("WebAuthnOriginNotAllowedException", f"Origin {client_data.origin} is not allowed.")
        if attestation.auth_data.rp_id_hash != sha256(rp_id.encode()).digest():
            raise CognitoError("WebAuthnRelyingPartyMismatchException", "The credential is for another relying party.")

    def _verify(
        self,
        pool: CognitoIdpUserPool,
        user: CognitoIdpUser,
        credential: dict[str, Any],
        challenge: bytes,
        config: dict[str, str],
    ) -> StoredCredential:
        rp_id = config["RelyingPartyId"]
        origin = parse_client_data_json(base64url_to_bytes(credential["response"]["clientDataJSON"])).origin
        try:
            verified = verify_registration_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=rp_id,
                expected_origin=origin,  # already checked against the RP id's allowed origins
                require_user_verification=config.get("UserVerification") == "required",
            )
        except InvalidJSONStructure as error:
            raise CognitoError("InvalidParameterException", "The credential is malformed.") from error
        except WebAuthnException as error:  # a bad attestation, or a key type or algorithm the library refuses
            raise CognitoError("WebAuthnCredentialNotSupportedException", str(error)) from error
        credential_id = bytes_to_base64url(verified.credential_id)
        if any(c.credential_id == credential_id for c in self.credentials if c.pool_id == pool.id):
            raise CognitoError("InvalidParameterException", "This passkey is already registered.")
        transports = credential["response"].get("transports") or []
        return StoredCredential(
            pool_id=pool.id,
            username=user.username,
            credential_id=credential_id,
            public_key=bytes_to_base64url(verified.credential_public_key),
            sign_count=verified.sign_count,
            relying_party_id=rp_id,
            friendly_name=str(credential.get("friendlyName") or "Passkey"),
            attachment=credential.get("authenticatorAttachment"),
            transports=[str(t) for t in transports],
            created_at=self.clock(),
        )
