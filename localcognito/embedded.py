"""Start the embedded local Cognito for the development server and point the portal at it.

The portal is configured exactly as for a real pool: settings and boto3's endpoint variable. Environment variables
are set too, so the runserver autoreloader's child processes inherit the same pool. The pool's features follow the
portal's settings (read with defaults: some are newer than this module), and its state is kept in
``<project>/.localcognito/state.json`` so users and ids survive restarts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError

from localcognito.backend import CONFIRM_WITH_CODE, CONFIRM_WITH_LINK
from localcognito.emulator import LocalCognito, PoolConfig
from localcognito.receivers import ENDPOINT_ENV

POOL_NAME = "portal-local"


def state_path() -> Path:
    return Path(settings.BASE_DIR) / ".localcognito" / "state.json"


def configured_attributes() -> list[str]:
    from signup.models import AttributeField

    try:
        # Only UserAttributes are stored in the pool; ValidationData/ClientMetadata fields are for Lambda triggers.
        fields = AttributeField.objects.filter(destination="user_attributes")
        names = list(fields.values_list("attribute_name", flat=True))
    except DatabaseError:  # not migrated yet: provision for the default form
        names = []
    return names or ["email"]


def pool_options_from_settings() -> dict[str, Any]:
    """provision() keyword arguments for SIGNUP_PASSWORD, SIGNUP_CONFIRMATION, SIGNUP_PASSKEYS, SIGNUP_PUBLIC_ORIGIN."""
    password = str(getattr(settings, "SIGNUP_PASSWORD", "required")).lower()
    confirmation = str(getattr(settings, "SIGNUP_CONFIRMATION", "auto")).lower()
    passkeys = str(getattr(settings, "SIGNUP_PASSKEYS", "off")).lower()
    factors = ["PASSWORD"]
    if password in ("optional", "none"):
        factors.append("EMAIL_OTP")
    relying_party_id = None
    if passkeys == "offer":
        factors.append("WEB_AUTHN")
        relying_party_id = urlsplit(str(getattr(settings, "SIGNUP_PUBLIC_ORIGIN", "") or "")).hostname or "localhost"
    return {
        "first_auth_factors": tuple(factors),
        "default_email_option": CONFIRM_WITH_LINK if confirmation == "link" else CONFIRM_WITH_CODE,
        "webauthn_relying_party_id": relying_party_id,
    }


def start_embedded_cognito(
    *, port: int = 0, echo: bool = True, state: Path | None = None
) -> tuple[LocalCognito, PoolConfig]:
    emulator = LocalCognito(host="127.0.0.1", port=port, region=settings.COGNITO_REGION, echo=echo, state_path=state)
    emulator.start()
    pool = emulator.provision(
        attributes=configured_attributes(), client_secret=True, name=POOL_NAME, **pool_options_from_settings()
    )
    point_portal_at(pool)
    return emulator, pool


def point_portal_at(pool: PoolConfig) -> None:
    values = {
        "COGNITO_USER_POOL_ID": pool.user_pool_id,
        "COGNITO_REGION": pool.region,
        "COGNITO_CLIENT_ID": pool.client_id,
        "COGNITO_CLIENT_SECRET": pool.client_secret,
    }
    os.environ.update(values)
    os.environ["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] = pool.endpoint_url
    # Tells localcognito's signal receiver that this endpoint is the embedded emulator, whose pool it may extend.
    os.environ[ENDPOINT_ENV] = pool.endpoint_url
    # The emulator checks no signatures; dummy credentials let the admin read the local pool (DescribeUserPool).
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    # Cognito's risk script cannot reach a local pool; keep it off unless asked for explicitly.
    os.environ.setdefault("COGNITO_USER_CONTEXT_DATA", "false")
    for name, value in values.items():
        setattr(settings, name, value)
