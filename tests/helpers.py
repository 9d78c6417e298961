"""Values and Stubber expectations the test modules share (fixtures live in conftest.py).

Plain functions and constants: test modules import these, never each other.
"""

from __future__ import annotations

import socket
import uuid
from html.parser import HTMLParser
from typing import Any

from botocore.stub import ANY, Stubber

POOL_ID = "us-east-1_TestPool1"
CLIENT_ID = "3n4b5urk1ft4fl3mg5e62d9ado"
CLIENT_SECRET = "1a2b3c4d5e6f7g8h9i0jklmnopqrstuvwxyz1234567890abcdef"

PASSWORD = "s3cret-Passphrase!"
SIGN_UP_RESPONSE = {
    "UserConfirmed": False,
    "UserSub": "5c1b6f3e-1111-4222-8333-944445555666",
    "CodeDeliveryDetails": {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"},
}


def closed_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unique_username() -> str:
    """A username no earlier test has used, for emulators that keep their users for the whole session."""
    return f"user-{uuid.uuid4().hex[:10]}"


def form_data(**overrides: str) -> dict[str, str]:
    """What alice posts to the sign-up form, with `overrides`."""
    return {"username": "alice", "password": PASSWORD, "email": "alice@example.com", **overrides}


def expect_sign_up(stubber: Stubber, response: dict[str, Any] | None = None, **params: Any) -> None:
    """Queue the SignUp that `form_data()` makes from 127.0.0.1; `params` replace expected request parameters."""
    stubber.add_response(
        "sign_up",
        response or SIGN_UP_RESPONSE,
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": ANY,
            "Username": "alice",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}],
            "UserContextData": {"IpAddress": "127.0.0.1"},
            **params,
        },
    )


EMAIL_DELIVERY = {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
SMS_DELIVERY = {"Destination": "+*******0123", "DeliveryMedium": "SMS", "AttributeName": "phone_number"}


def expect_confirm(stubber: Stubber, code: str = "123456") -> None:
    """Queue the ConfirmSignUp alice's browser makes from 127.0.0.1 with `code`."""
    stubber.add_response(
        "confirm_sign_up",
        {},
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": ANY,
            "Username": "alice",
            "ConfirmationCode": code,
            "ForceAliasCreation": False,
            "UserContextData": {"IpAddress": "127.0.0.1"},
        },
    )


def expect_resend(stubber: Stubber, delivery: dict[str, str] | None = None) -> None:
    """Queue the ResendConfirmationCode alice's browser makes from 127.0.0.1; the new code goes to `delivery`."""
    stubber.add_response(
        "resend_confirmation_code",
        {"CodeDeliveryDetails": delivery or EMAIL_DELIVERY},
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": ANY,
            "Username": "alice",
            "UserContextData": {"IpAddress": "127.0.0.1"},
        },
    )


class _ContinueLinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] | None = None
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("id") == "continue-link":
            self.found, self._inside = {**values, "text": ""}, True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside and self.found is not None:
            self.found["text"] += data


def continue_link(content: bytes | str) -> dict[str, str] | None:
    """The page's "Continue" link as a browser reads it: its attributes (href unescaped) and its text, or None."""
    parser = _ContinueLinkParser()
    parser.feed(content.decode() if isinstance(content, bytes) else content)
    return parser.found
