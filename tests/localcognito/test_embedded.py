"""The development server's embedded Cognito: pool features from the portal's settings, a restored pool that
follows changed settings with the same ids, and the runserver's first screen and --reset-local-cognito."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.commands.runserver import Command as DjangoRunserver
from moto.cognitoidp.models import cognitoidp_backends

from localcognito import LocalCognito, PoolConfig
from localcognito.embedded import pool_options_from_settings
from localcognito.management.commands import runserver
from tests.localcognito.support import client_for, unique


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, {"first_auth_factors": ("PASSWORD",), "default_email_option": "CONFIRM_WITH_CODE"}),
        ({"SIGNUP_PASSWORD": "optional"}, {"first_auth_factors": ("PASSWORD", "EMAIL_OTP")}),
        ({"SIGNUP_PASSWORD": "none"}, {"first_auth_factors": ("PASSWORD", "EMAIL_OTP")}),
        ({"SIGNUP_CONFIRMATION": "link"}, {"default_email_option": "CONFIRM_WITH_LINK"}),
        ({"SIGNUP_CONFIRMATION": "code"}, {"default_email_option": "CONFIRM_WITH_CODE"}),
        ({"SIGNUP_PASSKEYS": "offer"}, {"first_auth_factors": ("PASSWORD", "WEB_AUTHN")}),
        ({"SIGNUP_PASSKEYS": "offer"}, {"webauthn_relying_party_id": "localhost"}),
        (
            {"SIGNUP_PASSKEYS": "offer", "SIGNUP_PUBLIC_ORIGIN": "https://signup.example.com"},
            {"webauthn_relying_party_id": "signup.example.com"},
        ),
        ({"SIGNUP_PASSKEYS": "off", "SIGNUP_PUBLIC_ORIGIN": "https://x.example"}, {"webauthn_relying_party_id": None}),
    ],
)
def test_pool_options_follow_the_portal_settings(settings: Any, values: dict[str, str], expected: dict) -> None:
    for name in ("SIGNUP_PASSWORD", "SIGNUP_CONFIRMATION", "SIGNUP_PASSKEYS", "SIGNUP_PUBLIC_ORIGIN"):
        if hasattr(settings, name):
            delattr(settings, name)
    for name, value in values.items():
        setattr(settings, name, value)

    options = pool_options_from_settings()

    assert {key: options[key] for key in expected} == expected


def forget(pool: PoolConfig) -> None:
    for account_backends in cognitoidp_backends.values():
        if pool.region in account_backends:
            account_backends[pool.region].user_pools.pop(pool.user_pool_id, None)


def test_a_restored_pool_takes_changed_settings_and_keeps_its_ids(tmp_path: Path) -> None:
    state, name = tmp_path / "state.json", unique("settings")
    with LocalCognito(echo=False, state_path=state) as first:
        pool = first.provision(attributes=["email"], name=name)
    forget(pool)

    with LocalCognito(echo=False, state_path=state) as second:
        again = second.provision(
            attributes=["email"],
            name=name,
            first_auth_factors=("PASSWORD", "EMAIL_OTP", "WEB_AUTHN"),
            default_email_option="CONFIRM_WITH_LINK",
            webauthn_relying_party_id="localhost",
        )
        cognito = client_for(second)
        described = cognito.describe_user_pool(UserPoolId=pool.user_pool_id)["UserPool"]
        mfa = cognito.get_user_pool_mfa_config(UserPoolId=pool.user_pool_id)
        client = cognito.describe_user_pool_client(UserPoolId=pool.user_pool_id, ClientId=pool.client_id)
    forget(pool)
    with LocalCognito(echo=False, state_path=state) as third:
        mfa_after_restart = client_for(third).get_user_pool_mfa_config(UserPoolId=pool.user_pool_id)

    assert (again.user_pool_id, again.client_id, again.client_secret) == (
        pool.user_pool_id,
        pool.client_id,
        pool.client_secret,
    )
    assert described["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"] == ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]
    assert described["Policies"]["PasswordPolicy"]["MinimumLength"] == 8  # the rest of the pool is kept
    assert described["VerificationMessageTemplate"]["DefaultEmailOption"] == "CONFIRM_WITH_LINK"
    assert described["AutoVerifiedAttributes"] == ["email"]
    assert mfa["WebAuthnConfiguration"]["RelyingPartyId"] == "localhost"
    assert mfa_after_restart["WebAuthnConfiguration"] == mfa["WebAuthnConfiguration"]
    assert client["UserPoolClient"]["ClientSecret"] == pool.client_secret


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Any) -> dict[str, Any]:
    """runserver with the emulator and Django's server replaced: records what would have started."""
    started: dict[str, Any] = {}
    pool = PoolConfig("us-east-1", "us-east-1_abc", "client123", "secret", "http://127.0.0.1:5555")

    def fake_start(*, port: int, state: Path) -> tuple[None, PoolConfig]:
        started["state"] = state
        started["state_existed"] = state.exists()
        return None, pool

    settings.COGNITO_LOCAL = True
    monkeypatch.setattr(runserver, "start_embedded_cognito", fake_start)
    monkeypatch.setattr(runserver, "state_path", lambda: tmp_path / ".localcognito" / "state.json")
    monkeypatch.setattr(DjangoRunserver, "handle", lambda self, *args, **options: None)
    monkeypatch.delenv("RUN_MAIN", raising=False)
    return started


def test_the_first_screen_says_where_everything_is(no_server: dict[str, Any], tmp_path: Path) -> None:
    out = io.StringIO()

    call_command("runserver", "127.0.0.1:8000", stdout=out)

    text = out.getvalue()
    assert "http://127.0.0.1:8000/signup/" in text
    assert "user pool us-east-1_abc, app client client123" in text
    assert "Confirmation codes and links are printed in this terminal." in text
    assert str(tmp_path / ".localcognito" / "state.json") in text
    assert "scripts/run --reset" in text
    assert ".venv/bin/python manage.py createsuperuser" in text
    assert len(text.splitlines()) <= 6


def test_reset_local_cognito_deletes_the_state_first(no_server: dict[str, Any], tmp_path: Path) -> None:
    state = tmp_path / ".localcognito" / "state.json"
    state.parent.mkdir()
    state.write_text("{}")

    call_command("runserver", "--reset-local-cognito", stdout=io.StringIO())

    assert no_server["state"] == state
    assert no_server["state_existed"] is False


def test_with_passkeys_the_first_screen_says_to_open_localhost(
    no_server: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    settings.SIGNUP_PASSKEYS = "offer"
    settings.SIGNUP_PUBLIC_ORIGIN = "http://localhost:8000"
    out = io.StringIO()

    call_command("runserver", "127.0.0.1:8731", stdout=out)

    assert "Passkeys: open http://localhost:8731/signup/" in out.getvalue()
