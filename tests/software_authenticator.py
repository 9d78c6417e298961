"""A software authenticator for tests without a browser: what navigator.credentials.create() returns (as the JSON
of PublicKeyCredential.toJSON()) for creation options, with an EC P-256 key made on the spot and "none" attestation.
Plain functions: test modules import these, never each other."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

import cbor2
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def software_credential(
    options: dict[str, Any], *, origin: str, rp_id: str | None = None, challenge: bytes | None = None
) -> dict[str, Any]:
    """The new credential's JSON for these options; `rp_id` and `challenge` override what the options say."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_numbers()
    cose_key = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: key.x.to_bytes(32, "big"), -3: key.y.to_bytes(32, "big")})
    credential_id = os.urandom(32)
    rp_hash = hashlib.sha256((rp_id or options["rp"]["id"]).encode()).digest()
    flags = bytes([0x01 | 0x04 | 0x40])  # user present, user verified, attested credential data
    auth_data = rp_hash + flags + (0).to_bytes(4, "big") + bytes(16) + len(credential_id).to_bytes(2, "big")
    auth_data += credential_id + cose_key
    client_data = {
        "type": "webauthn.create",
        "challenge": b64url(challenge) if challenge else options["challenge"],
        "origin": origin,
        "crossOrigin": False,
    }
    return {
        "id": b64url(credential_id),
        "rawId": b64url(credential_id),
        "type": "public-key",
        "authenticatorAttachment": "platform",
        "clientExtensionResults": {},
        "response": {
            "clientDataJSON": b64url(json.dumps(client_data).encode()),
            "attestationObject": b64url(cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})),
            "transports": ["internal", "hybrid"],
        },
    }
