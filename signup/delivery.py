"""Where a sign-up's code will go, known before SignUp is sent: what the destination rate limits and the SMS budget
count. Cognito sends it to an auto-verified attribute the user gave; when the pool verifies both, only to the phone.
Where the pool cannot be read, every address given counts (a conservative guess for the limits), and a sign-up is
taken for an SMS one only when it gave a phone number and no email address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CONTACT_ATTRIBUTES = ("phone_number", "email")


def expected_destinations(contacts: Mapping[str, str], pool: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(attribute, value) pairs the code may go to, from the email/phone values a sign-up sends."""
    given = [(name, contacts[name]) for name in CONTACT_ATTRIBUTES if contacts.get(name)]
    if pool is None:
        return given
    verified = set(pool.get("AutoVerifiedAttributes") or [])
    return [pair for pair in given if pair[0] in verified][:1]


def likely_sms(contacts: Mapping[str, str], pool: Mapping[str, Any] | None) -> bool:
    destinations = expected_destinations(contacts, pool)
    if pool is None:
        return [name for name, _ in destinations] == ["phone_number"]
    return bool(destinations) and destinations[0][0] == "phone_number"


def destination_value(contacts: Mapping[str, str], attribute: str) -> str:
    """The address a code went to (CodeDeliveryDetails.AttributeName), as the user typed it; "" when unknown."""
    return contacts.get(attribute, "") if attribute in CONTACT_ATTRIBUTES else ""
