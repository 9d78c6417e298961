"""The user pool's password policy: read from the pool (DescribeUserPool, cached) or, where the pool cannot be read,
from settings. The same rules drive the server-side validator (signup.validators) and the checklist on the page.

Cognito counts only basic Latin letters as upper/lower case, digits 0-9 as numbers, and this set of symbols
(a space counts when it is neither the first nor the last character):
^ $ * . [ ] { } ( ) ? " ! @ # % & / \\ , > < ' : ; | _ ~ ` = + -
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from signup import pool

if TYPE_CHECKING:  # the stubs are a development dependency
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

COGNITO_SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-"
_SYMBOL = re.compile("[" + re.escape(COGNITO_SYMBOLS) + "]")
_INNER_SPACE = re.compile(r"^.+ .+$", re.DOTALL)

# Cognito's own bounds for MinimumLength.
MIN_LENGTH_FLOOR = 6
MIN_LENGTH_CEILING = 99


@dataclass(frozen=True)
class PasswordRule:
    """One line of the checklist: a stable code (also the CSS/JS hook) and its translated text. `live`: the page's
    script can tick it while the person types (a list of common passwords is checked on the server only)."""

    code: str
    text: StrOrPromise
    live: bool = True


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 8
    require_uppercase: bool = False
    require_lowercase: bool = False
    require_numbers: bool = False
    require_symbols: bool = False
    #: "pool" when read from the user pool, "settings" when the pool could not be read.
    source: str = "settings"

    @classmethod
    def from_settings(cls) -> PasswordPolicy:
        return cls(
            min_length=settings.SIGNUP_PASSWORD_MIN_LENGTH,
            require_uppercase=settings.SIGNUP_PASSWORD_REQUIRE_UPPERCASE,
            require_lowercase=settings.SIGNUP_PASSWORD_REQUIRE_LOWERCASE,
            require_numbers=settings.SIGNUP_PASSWORD_REQUIRE_NUMBERS,
            require_symbols=settings.SIGNUP_PASSWORD_REQUIRE_SYMBOLS,
            source="settings",
        )

    @classmethod
    def from_pool(cls, description: dict[str, Any]) -> PasswordPolicy | None:
        policy = (description.get("Policies") or {}).get("PasswordPolicy")
        if not isinstance(policy, dict):
            return None
        try:
            min_length = int(policy.get("MinimumLength", 8))
        except (TypeError, ValueError):
            return None
        return cls(
            min_length=min(max(min_length, MIN_LENGTH_FLOOR), MIN_LENGTH_CEILING),
            require_uppercase=bool(policy.get("RequireUppercase", False)),
            require_lowercase=bool(policy.get("RequireLowercase", False)),
            require_numbers=bool(policy.get("RequireNumbers", False)),
            require_symbols=bool(policy.get("RequireSymbols", False)),
            source="pool",
        )

    def rules(self) -> list[PasswordRule]:
        rules = [
            PasswordRule(
                "min_length",
                ngettext_lazy("At least %(count)d character", "At least %(count)d characters", "count")
                % {"count": self.min_length},
            )
        ]
        if self.require_uppercase:
            rules.append(PasswordRule("uppercase", _("An uppercase letter (A–Z)")))  # noqa: RUF001 (typographic dash)
        if self.require_lowercase:
            rules.append(PasswordRule("lowercase", _("A lowercase letter (a–z)")))  # noqa: RUF001 (typographic dash)
        if self.require_numbers:
            rules.append(PasswordRule("number", _("A number (0–9)")))  # noqa: RUF001 (typographic dash)
        if self.require_symbols:
            rules.append(PasswordRule("symbol", _("A symbol, such as ! ? @ # $ % - _")))
        if _common_passwords_refused():
            rules.append(
                PasswordRule("not_common", _("Not a commonly used password (checked when you send)"), live=False)
            )
        return rules

    def _checked_codes(self) -> list[str]:
        """The codes of the rules a password is checked against here, without building their texts (this runs on
        every sign-up; the texts are lazy translations, costly to build)."""
        flags = (
            ("uppercase", self.require_uppercase),
            ("lowercase", self.require_lowercase),
            ("number", self.require_numbers),
            ("symbol", self.require_symbols),
        )
        return ["min_length", *(code for code, required in flags if required)]

    def unmet(self, password: str) -> list[str]:
        """The codes of the rules this password does not meet, in checklist order."""
        checks = {
            "min_length": lambda: len(password) >= self.min_length,
            "uppercase": lambda: any("A" <= char <= "Z" for char in password),
            "lowercase": lambda: any("a" <= char <= "z" for char in password),
            "number": lambda: any("0" <= char <= "9" for char in password),
            "symbol": lambda: bool(_SYMBOL.search(password) or _INNER_SPACE.match(password)),
        }
        return [code for code in self._checked_codes() if not checks[code]()]


def _common_passwords_refused() -> bool:
    return any(
        entry.get("NAME") == "django.contrib.auth.password_validation.CommonPasswordValidator"
        for entry in settings.AUTH_PASSWORD_VALIDATORS
    )


def password_policy_current() -> PasswordPolicy:
    """The policy the pool enforces; the settings' policy where the pool cannot be read (no IAM credentials)."""
    try:
        description = pool.user_pool_description()
    except Exception as exc:  # the pool's policy only refines the settings': reading it must never break sign-up
        logger.warning("signup.password_policy read=failed error=%s", type(exc).__name__)
        description = None
    if description is not None and (policy := _from_pool(description)) is not None:
        return policy
    return _from_settings()


_read_from: tuple[object, PasswordPolicy | None] | None = None
_settings_policy: PasswordPolicy | None = None


def _from_pool(description: dict[str, Any]) -> PasswordPolicy | None:
    """The pool's policy, read again only when the pool's description is a new object (signup.pool keeps one
    copy per process): the same object on every request also lets the page cache recognise it at once."""
    global _read_from
    memo = _read_from
    if memo is not None and memo[0] is description:
        return memo[1]
    policy = PasswordPolicy.from_pool(description)
    _read_from = (description, policy)
    return policy


def _from_settings() -> PasswordPolicy:
    global _settings_policy
    if _settings_policy is None:
        _settings_policy = PasswordPolicy.from_settings()
    return _settings_policy


def password_policy_cache_clear(**_: Any) -> None:
    """Forget the policies read (a change of settings; tests)."""
    global _settings_policy, _read_from
    _settings_policy = _read_from = None


setting_changed.connect(password_policy_cache_clear, dispatch_uid="signup-password-policy")
