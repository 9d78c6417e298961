"""Shared fixtures: Cognito settings, a botocore Stubber on the gateway's client, and the embedded local Cognito
served over HTTP on loopback (moto in server mode behind localcognito's honest middleware)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from botocore.stub import Stubber

from signup import cognito
from tests.helpers import CLIENT_ID, CLIENT_SECRET, POOL_ID, closed_port

# Playwright's sync API runs an asyncio loop in the test thread; Django refuses ORM calls there without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class Clock:
    """The services' and journey's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    for module in ("signup.services", "signup.cooldown", "signup.ratelimits"):
        monkeypatch.setattr(f"{module}.time", fake)
    return fake


@pytest.fixture(autouse=True)
def _fresh_clients_and_cache(monkeypatch) -> Iterator[list[float]]:
    """Every test starts with an empty cache, new Cognito clients, no pool or field copy in the process, the default
    language (a request's language stays active in the thread after it), and a uniform outcome that records the
    padding it asks for instead of sleeping (tests bound what the code asks, not time)."""
    from django.core.cache import cache
    from django.utils import translation

    from signup import insights, page_cache, pool, selectors, uniform
    from signup.password_policy import password_policy_cache_clear

    insights.flush()  # a form shown in an earlier test counts there, not here
    cache.clear()
    page_cache.clear()
    password_policy_cache_clear()
    cognito.reset_clients()
    pool.pool_cache_clear()
    selectors.attribute_field_cache_clear()
    uniform.reset()
    translation.deactivate()
    slept: list[float] = []
    monkeypatch.setattr(uniform, "sleep", slept.append)
    yield slept
    cognito.reset_clients()
    pool.pool_cache_clear()


@pytest.fixture
def cognito_settings(settings, monkeypatch):
    """A fake pool whose app client has a secret; nothing reaches the network unless a test points it somewhere."""
    settings.COGNITO_USER_POOL_ID = POOL_ID
    settings.COGNITO_REGION = "us-east-1"
    settings.COGNITO_CLIENT_ID = CLIENT_ID
    settings.COGNITO_CLIENT_SECRET = CLIENT_SECRET
    for name in ("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    # Pages read the pool's password policy; without credentials that fails fast, without asking EC2 metadata.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return settings


@pytest.fixture
def stubber(cognito_settings) -> Iterator[Stubber]:
    """botocore's Stubber on the gateway's public client: requests are checked against the real service model."""
    with Stubber(cognito.public_client()) as stub:
        yield stub
        stub.assert_no_pending_responses()


@pytest.fixture
def unreachable_cognito(cognito_settings, monkeypatch, settings):
    """Cognito's endpoint refuses connections."""
    settings.COGNITO_CONNECT_TIMEOUT = 1
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", f"http://127.0.0.1:{closed_port()}")
    cognito.reset_clients()


@pytest.fixture(scope="session")
def local_cognito_server():
    """One embedded local Cognito for the test session, serving HTTP on a free loopback port."""
    from localcognito import LocalCognito

    emulator = LocalCognito(host="127.0.0.1", port=0, region="us-east-1", echo=False)
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture(scope="session")
def local_pool(local_cognito_server):
    return local_cognito_server.provision(
        attributes=["email", "given_name", "family_name", "phone_number", "birthdate", "custom:company"],
        client_secret=True,
        name="portal-tests",
    )


@pytest.fixture
def local_cognito(local_cognito_server, local_pool, settings, monkeypatch):
    """Point the portal at the embedded local Cognito exactly as an operator would: settings and the endpoint."""
    settings.COGNITO_USER_POOL_ID = local_pool.user_pool_id
    settings.COGNITO_REGION = local_pool.region
    settings.COGNITO_CLIENT_ID = local_pool.client_id
    settings.COGNITO_CLIENT_SECRET = local_pool.client_secret
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", local_pool.endpoint_url)
    # The session's shared pool must not follow what one test configures: localcognito's signal receiver acts only
    # when this names the portal's endpoint (tests/localcognito/test_pool_follows_admin.py sets it on its own pool).
    monkeypatch.delenv("LOCALCOGNITO_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    cognito.reset_clients()
    local_cognito_server.clear_requests()
    return local_cognito_server


@pytest.fixture
def use_local_pool(local_cognito, settings):
    """Point the portal at another pool of the embedded local Cognito, provisioned (or found by name and updated)
    with `provision()`'s options: `use_local_pool("portal-tests-link", default_email_option="CONFIRM_WITH_LINK")`."""

    def use(name: str, **options: object) -> object:
        pool = local_cognito.provision(attributes=["email"], client_secret=True, name=name, **options)
        settings.COGNITO_USER_POOL_ID = pool.user_pool_id
        settings.COGNITO_CLIENT_ID = pool.client_id
        settings.COGNITO_CLIENT_SECRET = pool.client_secret
        cognito.reset_clients()
        return pool

    return use


@pytest.fixture
def admin_cognito(local_pool):
    """A boto3 client for test assertions against the emulator (admin_get_user and the like)."""
    import boto3

    return boto3.client(
        "cognito-idp",
        region_name=local_pool.region,
        endpoint_url=local_pool.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture(scope="session")
def local_passkey_pool(local_cognito_server):
    """A pool set up for passkeys: WEB_AUTHN among the first factors, relying party "localhost"."""
    return local_cognito_server.provision(
        attributes=["email"],
        client_secret=True,
        name="portal-tests-passkeys",
        first_auth_factors=("PASSWORD", "WEB_AUTHN"),
        webauthn_relying_party_id="localhost",
    )


@pytest.fixture
def local_passkey_cognito(local_cognito_server, local_passkey_pool, settings, monkeypatch):
    """The portal on the passkey pool with SIGNUP_PASSKEYS=offer, pointed at it as `local_cognito` does."""
    settings.COGNITO_USER_POOL_ID = local_passkey_pool.user_pool_id
    settings.COGNITO_REGION = local_passkey_pool.region
    settings.COGNITO_CLIENT_ID = local_passkey_pool.client_id
    settings.COGNITO_CLIENT_SECRET = local_passkey_pool.client_secret
    settings.SIGNUP_PASSKEYS = "offer"
    settings.SIGNUP_SIGN_IN_AFTER_CONFIRM = True
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", local_passkey_pool.endpoint_url)
    monkeypatch.delenv("LOCALCOGNITO_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    cognito.reset_clients()
    local_cognito_server.clear_requests()
    return local_cognito_server


@pytest.fixture
def padding(_fresh_clients_and_cache: list[float]) -> list[float]:
    """The seconds the uniform outcome asked to sleep in this test, in order (nothing really sleeps)."""
    return _fresh_clients_and_cache
