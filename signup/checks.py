"""System checks: Cognito settings present and well-formed; the configured fields against the pool's required
attributes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.management.base import SystemCheckError
from django.db import DatabaseError


@register()
def cognito_settings_check(**_: Any) -> list[Error | Warning]:
    problems: list[Error | Warning] = []
    if settings.COGNITO_LOCAL:
        if not settings.COGNITO_LOCAL_EMULATOR_INSTALLED and settings.COGNITO_LOCAL_EMULATOR == "auto":
            problems.append(
                Warning(
                    "COGNITO_USER_POOL_ID is not set and the embedded local Cognito is not installed: "
                    "sign-up cannot work.",
                    hint="Set the COGNITO_* variables for a real pool, or install the local extra "
                    "(pip install -e '.[local]').",
                    id="signup.W001",
                )
            )
        return problems  # the embedded local Cognito provides the pool and client when the portal runs
    if not settings.COGNITO_CLIENT_ID:
        problems.append(
            Error(
                "COGNITO_CLIENT_ID is not set.", hint="Set it to the app client id of the user pool.", id="signup.E001"
            )
        )
    if not re.match(r"^[\w-]+_[0-9a-zA-Z]+$", settings.COGNITO_USER_POOL_ID):
        problems.append(
            Error(
                "COGNITO_USER_POOL_ID does not look like a user pool id.",
                hint="It looks like <region>_<id>, e.g. eu-west-1_AbCdEf123.",
                id="signup.E002",
            )
        )
    if settings.COGNITO_CLIENT_SECRET and not re.match(r"^[\w+]+$", settings.COGNITO_CLIENT_SECRET):
        problems.append(Error("COGNITO_CLIENT_SECRET has characters a client secret cannot have.", id="signup.E003"))
    return problems


@register(Tags.database)
def signup_required_attributes_check(
    *, app_configs: Sequence[AppConfig] | None = None, databases: Sequence[str] | None = None, **_: Any
) -> list[Warning]:
    """Warn when the user pool requires an attribute the form does not always send.

    Tagged `database` on purpose: like Django's own database checks it runs only on `check --database default` and
    `migrate`, never on a plain `check` / `check --deploy` (CI lints without a database or a pool). It reads the pool
    through signup.pool's cache and says nothing when the pool cannot be read: the admin shows that instead.
    """
    if not databases or settings.COGNITO_LOCAL:
        return []
    from signup import field_rules
    from signup.models import AttributeField

    try:
        configured = [field_rules.ConfiguredField.from_model(field) for field in AttributeField.objects.all()]
    except DatabaseError:  # not migrated yet
        return []
    rules = field_rules.pool_rules()
    if rules is None:
        return []
    return [
        Warning(
            message,
            hint="Add an enabled, required field for it in the admin (Sign-up > Attribute fields), "
            "or SignUp will fail for every user.",
            obj=name,
            id="signup.W010",
        )
        for name, message in field_rules.required_attribute_warnings(configured, rules)
    ]


@register()
def return_url_settings_check(**_: Any) -> list[Error]:
    from signup.return_urls import entry_problem

    problems = [
        Error(
            f"SIGNUP_RETURN_URLS entry {entry!r} can never match ({problem}).",
            hint="Use absolute http(s) URLs such as https://app.example.com/.",
            id="signup.E010",
        )
        for entry in settings.SIGNUP_RETURN_URLS
        if (problem := entry_problem(entry))
    ]
    default = settings.SIGNUP_DEFAULT_RETURN_URL
    if default and (problem := entry_problem(default)):
        problems.append(
            Error(f"SIGNUP_DEFAULT_RETURN_URL is not an absolute http(s) URL ({problem}).", id="signup.E011")
        )
    return problems


@register()
def branding_settings_check(**_: Any) -> list[Error]:
    """Refuse brand colours that fail WCAG AA and logos or favicons from another origin (signup/branding.py)."""
    from signup import branding

    problems: list[Error] = []
    for setting in ("SIGNUP_BRAND_PRIMARY_COLOR", "SIGNUP_BRAND_ACCENT_COLOR"):
        value = getattr(settings, setting)
        if not value:
            continue
        colour = branding.normalise_hex(value)
        if colour is None:
            problems.append(
                Error(f"{setting} {value!r} is not a hex colour.", hint="Use #rrggbb, e.g. #1f4fd1.", id="signup.E020")
            )
            continue
        problems += [
            Error(failure.message, hint="Choose a darker colour.", id="signup.E021")
            for failure in branding.contrast_failures(setting, colour)
        ]
    for setting in ("SIGNUP_BRAND_LOGO_URL", "SIGNUP_BRAND_FAVICON_URL"):
        value = getattr(settings, setting)
        if value and (problem := branding.same_origin_problem(branding.asset_url(value))):
            problems.append(Error(f"{setting} {value!r} is refused: {problem}.", id="signup.E022"))
    for setting in ("SIGNUP_TERMS_URL", "SIGNUP_PRIVACY_URL", "SIGNUP_SUPPORT_URL"):
        value = getattr(settings, setting)
        if value and urlsplit(value).scheme not in ("http", "https", "mailto", ""):
            problems.append(
                Error(f"{setting} {value!r} must be an http(s) or mailto: URL or a path.", id="signup.E023")
            )
    return problems


def refuse_failing_branding() -> None:
    """At start-up under gunicorn (which runs no system checks): stop on a brand setting the check refuses."""
    if errors := branding_settings_check():
        raise SystemCheckError("\n".join(f"{error.id}: {error.msg}" for error in errors))


@register(Tags.database)
def signup_pool_capabilities_check(
    *, app_configs: Sequence[AppConfig] | None = None, databases: Sequence[str] | None = None, **_: Any
) -> list[Warning]:
    """Warn when the pool or app client cannot do what SIGNUP_PASSWORD, SIGNUP_PASSKEYS or
    SIGNUP_SIGN_IN_AFTER_CONFIRM ask for (same `database` tag, and so the same moments, as the check above)."""
    if not databases or settings.COGNITO_LOCAL:
        return []
    from signup import pool, pool_checks

    user_pool, client = pool.user_pool_description(fresh=True), pool.user_pool_client_description(fresh=True)
    if user_pool is None or client is None:
        return []
    webauthn = pool.passkey_configuration(fresh=True) if settings.SIGNUP_PASSKEYS == "offer" else None
    return [
        Warning(finding.message, hint=str(finding.hint), id=finding.id)
        for finding in pool_checks.all_findings(user_pool, client, webauthn)
    ]
