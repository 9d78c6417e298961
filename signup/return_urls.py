"""Where "Continue" goes after the sign-up: a `next` URL, accepted only when it matches the allow-list.

The allow-list is SIGNUP_RETURN_URLS (comma-separated absolute URLs) plus the app client's CallbackURLs when
DescribeUserPoolClient can be read. A candidate matches an entry when its scheme, host and port are equal and its
path starts with the entry's path (at a segment boundary). Everything else is dropped, with the reason logged at INFO
and nothing of it echoed anywhere: no page and no Location header ever carries a URL that did not match.

Parsing is strict on purpose, refusing what browsers and parsers disagree about: backslashes, whitespace and control
characters (ASCII or Unicode, bidirectional overrides included), user info (`app.example.com@evil.example`),
percent-encoded or non-ASCII host names (unless their IDNA form is allowed), dot segments and encoded slashes in the
path, scheme-relative (`//evil.example`) and scheme-only (`https:evil.example`) forms, and anything Python's own
parser refuses (an unclosed `[`, a host that NFKC-normalises into a separator).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

from django.conf import settings

from signup import pool

logger = logging.getLogger(__name__)

MAX_LENGTH = 2048
_DEFAULT_PORTS = {"http": 80, "https": 443}


class Refused(ValueError):
    """Why a candidate URL is not a return URL (a short reason code, for the log)."""


@dataclass(frozen=True)
class _Origin:
    scheme: str
    host: str
    port: int
    path: str


def _ascii_host(host: str) -> str:
    if "%" in host:
        raise Refused("encoded_host")
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise Refused("invalid_host") from None


def _forbidden(char: str) -> bool:
    # Whitespace, control and format characters (Unicode categories Z and C: U+2028, U+200B, U+202E...) and "\\".
    return char <= " " or char == "\\" or (char >= "\x7f" and unicodedata.category(char)[0] in "CZ")


def _split(url: str) -> SplitResult:
    if len(url) > MAX_LENGTH:
        raise Refused("too_long")
    if any(_forbidden(char) for char in url):
        raise Refused("forbidden_characters")
    try:
        return urlsplit(url)
    except ValueError:  # "Invalid IPv6 URL", a netloc that NFKC-normalises into "/", "?", "#" or "@"
        raise Refused("malformed") from None


def _parse(url: str) -> tuple[_Origin, SplitResult]:
    parts = _split(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise Refused("scheme")
    if not parts.netloc or "@" in parts.netloc or not parts.hostname:
        raise Refused("authority")
    try:
        port = parts.port
    except ValueError:
        raise Refused("port") from None
    path = parts.path or "/"
    if any(segment in (".", "..") for segment in path.split("/")) or "%2e" in path.lower():
        raise Refused("dot_segments")
    if "%2f" in path.lower() or "%5c" in path.lower():
        raise Refused("encoded_separator")  # a server that decodes them first would see other segments
    origin = _Origin(scheme, _ascii_host(parts.hostname), _DEFAULT_PORTS[scheme] if port is None else port, path)
    return origin, parts


def _matches(candidate: _Origin, entry: _Origin) -> bool:
    if (candidate.scheme, candidate.host, candidate.port) != (entry.scheme, entry.host, entry.port):
        return False
    base = entry.path
    return candidate.path == base or candidate.path.startswith(base if base.endswith("/") else base + "/")


def allow_list() -> list[str]:
    entries = list(settings.SIGNUP_RETURN_URLS)
    client = pool.user_pool_client_description()
    if client is not None:
        entries += [str(url) for url in client.get("CallbackURLs") or []]
    return entries


def accepted(candidate: str, entries: Iterable[str] | None = None) -> str | None:
    """The URL to send the person to (scheme and host lower-cased), or None, logged, when it is not allowed."""
    if not candidate:
        return None
    try:
        origin, parts = _parse(candidate)
        for entry in allow_list() if entries is None else entries:
            try:
                allowed, _ = _parse(entry)
            except Refused:
                continue  # a malformed entry matches nothing (the system check reports it)
            if _matches(origin, allowed):
                host = f"[{origin.host}]" if ":" in origin.host else origin.host
                netloc = host if parts.port is None else f"{host}:{parts.port}"
                return urlunsplit((origin.scheme, netloc, parts.path or "/", parts.query, parts.fragment))
        raise Refused("not_allowed")
    except Refused as refusal:
        logger.info("signup.return_url outcome=dropped reason=%s", refusal)
        return None


def entry_problem(entry: str) -> str | None:
    """Why a SIGNUP_RETURN_URLS entry can never match (for the system check), or None."""
    try:
        _parse(entry)
    except Refused as refusal:
        return str(refusal)
    return None


@dataclass(frozen=True)
class Configuration:
    """Where "Continue" may go and goes by default, as the admin preview shows it."""

    entries: tuple[str, ...]
    #: The app client's CallbackURLs; None when DescribeUserPoolClient cannot be read.
    callback_urls: tuple[str, ...] | None
    default: str
    app_name: str


def configuration() -> Configuration:
    client = pool.user_pool_client_description()
    callback_urls = None if client is None else tuple(str(url) for url in client.get("CallbackURLs") or [])
    return Configuration(
        entries=tuple(settings.SIGNUP_RETURN_URLS),
        callback_urls=callback_urls,
        default=settings.SIGNUP_DEFAULT_RETURN_URL,
        app_name=settings.SIGNUP_APP_NAME,
    )
