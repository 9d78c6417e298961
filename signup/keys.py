"""Keys for what the portal counts and remembers in the shared cache: usernames, destinations (email addresses and
phone numbers) and client networks, all as keyed hashes, so the cache (often shared infrastructure) holds no
personal data and nobody without SECRET_KEY can test a guess against it."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.utils.crypto import salted_hmac


def keyed_digest(purpose: str, value: str) -> str:
    return salted_hmac(f"signup.{purpose}", value, algorithm="sha256").hexdigest()[:32]


def username_digest(username: str) -> str:
    # Case-folded: "Alice" and "alice" are one person even in pools where usernames are case-sensitive.
    return keyed_digest("username", f"{settings.COGNITO_CLIENT_ID}\0{username.casefold()}")


def normalised_destination(value: str) -> str:
    """An email address or an E.164 phone number as one bucket: trimmed and lower-cased."""
    return value.strip().lower()


def destination_digest(value: str) -> str:
    return keyed_digest("destination", normalised_destination(value))


def client_network(ip: str) -> str:
    """The unit an IP rate limit counts: the address for IPv4, its /SIGNUP_RATE_LIMIT_IPV6_PREFIX network for IPv6
    (one customer usually holds a whole /64, so counting single IPv6 addresses would count nothing)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip or "unknown"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
        prefix = settings.SIGNUP_RATE_LIMIT_IPV6_PREFIX
        return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
    return str(address.ipv4_mapped or address) if isinstance(address, ipaddress.IPv6Address) else str(address)
