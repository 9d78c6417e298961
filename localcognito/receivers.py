"""The embedded local Cognito's part in the portal's signals: its pool follows the admin's field configuration.

Only a pool served by the embedded emulator is ever changed. The emulator's endpoint is published in
``LOCALCOGNITO_ENDPOINT_URL`` by whoever started it (``point_portal_at``, the test fixtures); the receiver acts only
when the portal's own Cognito endpoint (boto3's ``AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`` or
``AWS_ENDPOINT_URL``) is that very URL on a loopback host. A real pool is reached through AWS's endpoints, so it
never matches.
"""

from __future__ import annotations

import logging
import os
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from localcognito import provisioning

logger = logging.getLogger(__name__)

ENDPOINT_ENV = "LOCALCOGNITO_ENDPOINT_URL"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def embedded_endpoint() -> str | None:
    """The portal's Cognito endpoint if it is the embedded emulator's, else None."""
    published = os.environ.get(ENDPOINT_ENV, "").rstrip("/")
    endpoint = (
        os.environ.get("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER") or os.environ.get("AWS_ENDPOINT_URL") or ""
    ).rstrip("/")
    if not published or endpoint != published or urlsplit(endpoint).hostname not in LOOPBACK_HOSTS:
        return None
    return endpoint


def pool_attributes_wanted_receiver(sender: Any, attribute_names: list[str], **kwargs: Any) -> bool:
    """Add the wanted attributes to the embedded pool and its app client; True when the pool changed."""
    endpoint = embedded_endpoint()
    if endpoint is None or not settings.COGNITO_USER_POOL_ID or not settings.COGNITO_CLIENT_ID:
        return False
    cognito = boto3.client(
        "cognito-idp",
        region_name=settings.COGNITO_REGION,
        endpoint_url=endpoint,
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=2, read_timeout=5),
    )
    try:
        return provisioning.pool_attributes_ensure(
            cognito, settings.COGNITO_USER_POOL_ID, settings.COGNITO_CLIENT_ID, attribute_names
        )
    except (BotoCoreError, ClientError):
        logger.warning("localcognito could not extend the local pool's schema", exc_info=True)
        return False
