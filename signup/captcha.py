"""The optional CAPTCHA (SIGNUP_CAPTCHA): the provider table, the widget the sign-up and resume forms show, and the
server-side check of its token against the provider's siteverify endpoint.

Why no library: django-turnstile, django-hCaptcha and django-recaptcha each cover one provider and verify inside a
form field's validate() (a network call in form validation), catch only HTTPError (a timeout or a garbage reply
becomes a 500) and have no outage policy; django-recaptcha also takes the client IP from X-Forwarded-For unchecked.
siteverify is one form POST with the same fields and reply at all three providers, so it lives here.

The services call verify() before any rate limit or Cognito call; forms never see the token.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlencode, urlsplit

import urllib3
from django.conf import settings
from django.utils import translation
from django.views.decorators.debug import sensitive_variables

from signup import errors

logger = logging.getLogger(__name__)

_BOTH = ("https://hcaptcha.com", "https://*.hcaptcha.com")


@dataclass(frozen=True)
class Provider:
    """One provider's documented facts: widget script and container, the POST field its widget adds, siteverify,
    and what its widget needs in the Content-Security-Policy (directive -> sources)."""

    name: str
    script_url: str
    container_class: str
    token_field: str
    verify_url: str
    csp: dict[str, tuple[str, ...]]
    language_param: str = ""  # the script's query parameter for the widget's language, if it takes one


PROVIDERS: dict[str, Provider] = {
    "turnstile": Provider(
        name="turnstile",
        script_url="https://challenges.cloudflare.com/turnstile/v0/api.js",
        container_class="cf-turnstile",
        token_field="cf-turnstile-response",
        verify_url="https://challenges.cloudflare.com/turnstile/v0/siteverify",
        csp={"script-src": ("https://challenges.cloudflare.com",), "frame-src": ("https://challenges.cloudflare.com",)},
    ),
    "hcaptcha": Provider(
        name="hcaptcha",
        script_url="https://js.hcaptcha.com/1/api.js",
        container_class="h-captcha",
        token_field="h-captcha-response",
        verify_url="https://api.hcaptcha.com/siteverify",
        csp={"script-src": _BOTH, "frame-src": _BOTH, "style-src": _BOTH, "connect-src": _BOTH},
        language_param="hl",
    ),
    "recaptcha": Provider(
        name="recaptcha",
        script_url="https://www.google.com/recaptcha/api.js",
        container_class="g-recaptcha",
        token_field="g-recaptcha-response",
        verify_url="https://www.google.com/recaptcha/api/siteverify",
        csp={
            "script-src": ("https://www.google.com/recaptcha/", "https://www.gstatic.com/recaptcha/"),
            "frame-src": ("https://www.google.com/recaptcha/", "https://recaptcha.google.com/recaptcha/"),
        },
        language_param="hl",
    ),
}
#: Every provider's POST field, for sensitive_post_parameters (the token is single-use, but stays out of reports).
TOKEN_FIELDS = tuple(provider.token_field for provider in PROVIDERS.values())

# success: false with these codes is not the user's doing: the provider failed, or our secret is wrong.
_OUTAGE_CODES = frozenset({"internal-error"})
_CONFIGURATION_CODES = frozenset({"missing-input-secret", "invalid-input-secret", "sitekey-secret-mismatch"})
_MAX_REPLY_BYTES = 64 * 1024
_HEADERS = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "cognito-signup-portal"}


class _NoAnswer(Exception):
    """siteverify gave no usable answer: refused, timed out, not 200, or not the JSON object it documents."""


def provider() -> Provider | None:
    return PROVIDERS.get(settings.SIGNUP_CAPTCHA)


def enabled() -> bool:
    return provider() is not None


def token_field() -> str:
    """The POST field the provider's widget fills with its token ("" when the CAPTCHA is off)."""
    chosen = provider()
    return chosen.token_field if chosen else ""


def script_url(language: str = "") -> str:
    """The widget's script: SIGNUP_CAPTCHA_SCRIPT_URL, else the provider's, asking for `language` if it can."""
    chosen = provider()
    if chosen is None:
        return ""
    url = settings.SIGNUP_CAPTCHA_SCRIPT_URL or chosen.script_url
    if language and chosen.language_param:
        url += ("&" if "?" in url else "?") + urlencode({chosen.language_param: language})
    return url


def widget() -> dict[str, str] | None:
    """What templates/signup/_captcha.html renders, in the active language; None when the CAPTCHA is off."""
    chosen = provider()
    if chosen is None:
        return None
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "container_class": chosen.container_class,
        "site_key": settings.SIGNUP_CAPTCHA_SITE_KEY,
        "script_url": script_url(language),
        "language": language,
    }


def csp_origins(name: str, *, script_url: str = "") -> dict[str, list[str]]:
    """The sources `name`'s widget adds to the Content-Security-Policy, per directive ({} when off).

    An overridden script URL (SIGNUP_CAPTCHA_SCRIPT_URL) adds its own origin to script-src.
    """
    chosen = PROVIDERS.get(name)
    if chosen is None:
        return {}
    sources = {directive: list(values) for directive, values in chosen.csp.items()}
    if script_url:
        parts = urlsplit(script_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in sources["script-src"]:
            sources["script-src"].append(origin)
    return sources


def csp_directives(directives: dict[str, list[str]], name: str, *, script_url: str = "") -> dict[str, list[str]]:
    """`directives` plus the widget's sources. A directive the policy lacks starts from default-src, so adding
    frame-src or style-src for the widget takes nothing away from the portal's own pages."""
    merged = {directive: list(values) for directive, values in directives.items()}
    for directive, sources in csp_origins(name, script_url=script_url).items():
        merged.setdefault(directive, list(directives.get("default-src", [])))
        merged[directive] += [source for source in sources if source not in merged[directive]]
    return merged


@sensitive_variables("token")
def verify(*, token: str | None, remote_ip: str) -> None:
    """Ask the provider whether `token` is a solved challenge. Returns when it is (or, with SIGNUP_CAPTCHA_FAIL=open,
    when the provider cannot be asked); raises errors.CaptchaFailed when it is not or no token came (nothing is asked
    then), errors.CaptchaUnavailable when the provider cannot be asked and SIGNUP_CAPTCHA_FAIL=closed."""
    chosen = provider()
    if chosen is None:
        return
    if not token:
        logger.info("signup.captcha outcome=missing provider=%s", chosen.name)
        raise errors.CaptchaFailed()
    try:
        reply = _siteverify(chosen, token=token, remote_ip=remote_ip)
    except _NoAnswer as problem:
        _unavailable(chosen, reason=str(problem))
        return
    codes = _error_codes(reply)
    if reply["success"] is True:
        logger.info("signup.captcha outcome=passed provider=%s", chosen.name)
        return
    if set(codes) & (_OUTAGE_CODES | _CONFIGURATION_CODES):
        if set(codes) & _CONFIGURATION_CODES:
            logger.error("signup.captcha misconfigured provider=%s error_codes=%s", chosen.name, ",".join(codes))
        _unavailable(chosen, reason=",".join(codes))
        return
    logger.info("signup.captcha outcome=failed provider=%s error_codes=%s", chosen.name, ",".join(codes) or "-")
    raise errors.CaptchaFailed()


def _unavailable(chosen: Provider, *, reason: str) -> None:
    if settings.SIGNUP_CAPTCHA_FAIL == "open":
        logger.warning("signup.captcha outcome=unavailable_passed provider=%s reason=%s", chosen.name, reason)
        return
    logger.warning("signup.captcha outcome=unavailable provider=%s reason=%s", chosen.name, reason)
    raise errors.CaptchaUnavailable(detail=reason)


@sensitive_variables("token", "fields")
def _siteverify(chosen: Provider, *, token: str, remote_ip: str) -> dict[str, Any]:
    """One POST, no retry, no redirect; connecting and answering share SIGNUP_CAPTCHA_TIMEOUT."""
    fields = {"secret": settings.SIGNUP_CAPTCHA_SECRET_KEY, "response": token}
    if remote_ip:
        fields["remoteip"] = remote_ip
    try:
        response = _pool().urlopen(
            "POST",
            settings.SIGNUP_CAPTCHA_VERIFY_URL or chosen.verify_url,
            body=urlencode(fields),
            headers=_HEADERS,
            timeout=urllib3.Timeout(total=settings.SIGNUP_CAPTCHA_TIMEOUT),
            retries=False,
            redirect=False,
        )
    except urllib3.exceptions.HTTPError as error:
        raise _NoAnswer(type(error).__name__) from None
    if response.status != 200:
        raise _NoAnswer(f"status_{response.status}")
    return _parsed(response.data)


def _parsed(body: bytes) -> dict[str, Any]:
    if len(body) > _MAX_REPLY_BYTES:
        raise _NoAnswer("reply_too_large")
    try:
        reply = json.loads(body)
    except ValueError:  # UnicodeDecodeError is one
        raise _NoAnswer("not_json") from None
    if not isinstance(reply, dict) or not isinstance(reply.get("success"), bool):
        raise _NoAnswer("unexpected_reply")
    return reply


def _error_codes(reply: dict[str, Any]) -> list[str]:
    """The reply's error codes that look like codes (they go into log lines)."""
    codes = reply.get("error-codes")
    if not isinstance(codes, list):
        return []
    return [code for code in codes if isinstance(code, str) and re.fullmatch(r"[a-z0-9-]{1,64}", code)][:10]


@cache
def _pool() -> urllib3.PoolManager:
    # One pool per process, as large as Cognito's (one connection per thread): connections to the provider are
    # reused across sign-ups instead of a TLS handshake each.
    return urllib3.PoolManager(num_pools=4, maxsize=settings.COGNITO_MAX_POOL_CONNECTIONS, block=False)
