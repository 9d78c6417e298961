"""Start the embedded local Cognito for the development server and point the portal at it.

The portal is configured exactly as for a real pool: settings and boto3's endpoint variable. Environment variables
are set too, so the runserver autoreloader's child processes inherit the same pool.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.db import DatabaseError

from localcognito.emulator import LocalCognito, PoolConfig

POOL_NAME = "portal-local"


def configured_attributes() -> list[str]:
    from signup.models import AttributeField

    try:
        # Only UserAttributes are stored in the pool; ValidationData/ClientMetadata fields are for Lambda triggers.
        fields = AttributeField.objects.filter(destination="user_attributes")
        names = list(fields.values_list("attribute_name", flat=True))
    except DatabaseError:  # not migrated yet: provision for the default form
        names = []
    return names or ["email"]


def start_embedded_cognito(*, port: int = 0, echo: bool = True) -> tuple[LocalCognito, PoolConfig]:
    emulator = LocalCognito(host="127.0.0.1", port=port, region=settings.COGNITO_REGION, echo=echo)
    emulator.start()
    pool = emulator.provision(attributes=configured_attributes(), client_secret=True, name=POOL_NAME)
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
    # The emulator checks no signatures; dummy credentials let the admin read the local pool (DescribeUserPool).
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    # Cognito's risk script cannot reach a local pool; keep it off unless asked for explicitly.
    os.environ.setdefault("COGNITO_USER_CONTEXT_DATA", "false")
    for name, value in values.items():
        setattr(settings, name, value)
