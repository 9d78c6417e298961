"""The whole passkey journey with every logger at DEBUG, on the embedded local Cognito: no Session, token or credential
appears in any page, redirect, cookie value or log record (the tokens stay in the server session, and only until the
passkey step ends). Three people: one registers a passkey, one says "Not now", one sends a credential that fails."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from signup import cognito
from tests.software_authenticator import software_credential

pytestmark = pytest.mark.django_db

PASSWORD = "Unmistakable-Passw0rd-7f3a"
ORIGIN = "http://localhost:8000"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines += [record.getMessage(), repr(record.args), record.exc_text or "", str(record.__dict__)]


@pytest.fixture
def every_record() -> Iterator[_Collect]:
    handler = _Collect()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)  # every logger that does not set its own level now passes DEBUG records
    yield handler
    root.removeHandler(handler)
    root.setLevel(previous)


class Seen:
    """Everything the browser was given: page bodies (JSON too), redirect targets and cookie values."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.texts: list[str] = []

    def __call__(self, response: Any) -> Any:
        self.texts += [response.content.decode(), response.get("Location", "")]
        self.texts += [morsel.value for morsel in self.client.cookies.values()]
        return response

    def post_json(self, url: str, payload: Any = None) -> Any:
        return self(self.client.post(url, json.dumps(payload or {}), content_type="application/json"))


def journey_to_the_offer(seen: Seen, cognito_server: Any, pool: Any) -> tuple[str, str]:
    username = f"nosecret-{uuid.uuid4().hex[:8]}"
    response = seen(
        seen.client.post("/signup/", {"username": username, "password": PASSWORD, "email": f"{username}@example.com"})
    )
    assert response.status_code == 302
    code = cognito_server.latest_code(pool.user_pool_id, username)
    assert seen(seen.client.post("/signup/confirm/", {"code": code}))["Location"] == "/signup/passkey/"
    assert seen(seen.client.get("/signup/passkey/")).status_code == 200
    return username, str(code)


def issued_secrets(cognito_server: Any) -> list[str]:
    """The Sessions and tokens the emulator issued, as the portal sent them back (the emulator records requests)."""
    found = []
    for request in cognito_server.requests:
        params = request.params
        found += [params.get("Session"), params.get("AccessToken"), params.get("Token")]
        if isinstance(params.get("Credential"), dict):
            credential = params["Credential"]["response"]
            found += [credential["clientDataJSON"], credential["attestationObject"]]
    return [value for value in found if value]


def registers_a_passkey(seen: Seen) -> None:
    options = seen.post_json("/signup/passkey/options/").json()["options"]
    registered = seen.post_json(
        "/signup/passkey/register/", {"credential": software_credential(options, origin=ORIGIN)}
    )
    assert registered.json()["ok"] is True
    assert seen(seen.client.get("/signup/done/")).status_code == 200


def says_not_now(seen: Seen) -> None:
    assert seen(seen.client.post("/signup/passkey/skip/"))["Location"] == "/signup/done/"


def sends_a_credential_that_fails(seen: Seen) -> None:
    options = seen.post_json("/signup/passkey/options/").json()["options"]
    refused = seen.post_json(
        "/signup/passkey/register/", {"credential": software_credential(options, origin="https://evil.example")}
    )
    assert refused.json()["code"] == "passkey_origin_not_allowed"
    says_not_now(seen)


def test_no_session_token_or_credential_appears_in_pages_cookies_or_logs(
    local_passkey_cognito, local_passkey_pool, every_record
):
    seen, pool, everyone = Seen(Client()), local_passkey_pool, []
    for step in (registers_a_passkey, says_not_now, sends_a_credential_that_fails):
        seen.client = Client()  # a new browser for each person
        everyone.append(journey_to_the_offer(seen, local_passkey_cognito, pool))
        step(seen)

    operations = [request.operation for request in local_passkey_cognito.requests]
    assert operations.count("InitiateAuth") == 3
    assert operations.count("RevokeToken") == 3
    secrets = issued_secrets(local_passkey_cognito)
    assert len(secrets) >= 3 * 4, "the journey issued fewer Sessions and tokens than it should: nothing proved"
    secrets += [pool.client_secret, PASSWORD]
    secrets += [cognito.secret_hash(name, pool.client_id, pool.client_secret) for name, _ in everyone]
    secrets += [code for _, code in everyone]
    shown, logged = "\n".join(seen.texts), "\n".join(every_record.lines)
    assert every_record.lines, "nothing was logged: the test would prove nothing"
    for secret in secrets:
        assert secret not in shown
        assert secret not in logged
