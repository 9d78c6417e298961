"""Whether the user pool and app client can do what the portal is configured to do: passwordless sign-up, passkeys,
sign-in after confirmation, the password the form asks for. Pure functions over DescribeUserPool,
DescribeUserPoolClient and GetUserPoolMfaConfig; the system checks (signup.checks) and the admin show the findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:  # the stubs are a development dependency
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Finding:
    id: str
    message: str
    hint: StrOrPromise


def _first_factors(pool: Mapping[str, Any]) -> list[str] | None:
    policy = (pool.get("Policies") or {}).get("SignInPolicy")
    if not isinstance(policy, Mapping):
        return None  # an older pool (or an emulator) without a sign-in policy: passwords only
    return [str(factor) for factor in policy.get("AllowedFirstAuthFactors") or []]


def _client_allows_user_auth(client: Mapping[str, Any]) -> bool:
    return "ALLOW_USER_AUTH" in (client.get("ExplicitAuthFlows") or [])


_ADD_USER_AUTH = gettext_lazy("Add ALLOW_USER_AUTH to the app client's ExplicitAuthFlows.")


def password_findings(pool: Mapping[str, Any], client: Mapping[str, Any]) -> list[Finding]:
    factors = _first_factors(pool)
    mode = {"mode": settings.SIGNUP_PASSWORD}
    if settings.SIGNUP_PASSWORD == "required":
        if factors is None or "PASSWORD" in factors:
            return []
        message = _("The form asks for a password, but the pool does not allow passwords as a first sign-in factor.")
        hint = _("Add PASSWORD to the pool's AllowedFirstAuthFactors, or set SIGNUP_PASSWORD=optional or none.")
        return [Finding("signup.W020", message, hint)]
    findings = []
    if not factors or not {"EMAIL_OTP", "SMS_OTP"} & set(factors):
        message = _("SIGNUP_PASSWORD=%(mode)s needs EMAIL_OTP or SMS_OTP among the pool's first sign-in factors.")
        hint = _(
            "Choose the Essentials (or Plus) feature plan and add EMAIL_OTP or SMS_OTP to "
            "Policies.SignInPolicy.AllowedFirstAuthFactors, or set SIGNUP_PASSWORD=required."
        )
        findings.append(Finding("signup.W021", message % mode, hint))
    if not _client_allows_user_auth(client):
        message = _("SIGNUP_PASSWORD=%(mode)s needs an app client that allows ALLOW_USER_AUTH.")
        findings.append(Finding("signup.W022", message % mode, _ADD_USER_AUTH))
    return findings


def _host_within(host: str, relying_party: str) -> bool:
    return host == relying_party or host.endswith("." + relying_party)


def _relying_party_findings(webauthn: Mapping[str, Any] | None) -> list[Finding]:
    relying_party = str((webauthn or {}).get("RelyingPartyId") or "")
    host = urlsplit(settings.SIGNUP_PUBLIC_ORIGIN).hostname or ""
    if webauthn is not None and not relying_party:
        message = _("The pool has no passkey relying party (WebAuthnConfiguration.RelyingPartyId).")
        hint = _("Set it with SetUserPoolMfaConfig to the portal's domain, or a parent domain of it.")
        return [Finding("signup.W032", message, hint)]
    if relying_party and not _host_within(host, relying_party):
        message = _(
            "The portal's origin %(origin)s is not on the passkey relying party %(rp)s: browsers will refuse to "
            "create passkeys."
        ) % {"origin": settings.SIGNUP_PUBLIC_ORIGIN, "rp": relying_party}
        hint = _("Serve the portal on the relying party's domain or a subdomain of it, and set SIGNUP_PUBLIC_ORIGIN.")
        return [Finding("signup.W033", message, hint)]
    return []


def passkey_findings(
    pool: Mapping[str, Any], client: Mapping[str, Any], webauthn: Mapping[str, Any] | None
) -> list[Finding]:
    if settings.SIGNUP_PASSKEYS != "offer":
        return []
    findings = []
    if "WEB_AUTHN" not in (_first_factors(pool) or []):
        message = _("SIGNUP_PASSKEYS=offer needs WEB_AUTHN among the pool's first sign-in factors.")
        hint = _("Add WEB_AUTHN to Policies.SignInPolicy.AllowedFirstAuthFactors (Essentials or Plus plan).")
        findings.append(Finding("signup.W030", message, hint))
    if not _client_allows_user_auth(client):
        message = _("SIGNUP_PASSKEYS=offer needs an app client that allows ALLOW_USER_AUTH.")
        findings.append(Finding("signup.W031", message, _ADD_USER_AUTH))
    return findings + _relying_party_findings(webauthn)


def sign_in_findings(client: Mapping[str, Any]) -> list[Finding]:
    if not settings.SIGNUP_SIGN_IN_AFTER_CONFIRM or settings.SIGNUP_PASSKEYS == "offer":
        return []  # with passkeys, passkey_findings already says it
    if _client_allows_user_auth(client):
        return []
    message = _("SIGNUP_SIGN_IN_AFTER_CONFIRM needs an app client that allows ALLOW_USER_AUTH.")
    return [Finding("signup.W034", message, _ADD_USER_AUTH)]


def all_findings(
    pool: Mapping[str, Any], client: Mapping[str, Any], webauthn: Mapping[str, Any] | None
) -> list[Finding]:
    return [*password_findings(pool, client), *passkey_findings(pool, client, webauthn), *sign_in_findings(client)]
