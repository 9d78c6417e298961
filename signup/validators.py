r"""Validators: the pool's password policy (so most InvalidPasswordException never happen) and the admin's patterns,
matched in linear time.

CognitoPasswordPolicyValidator is listed in AUTH_PASSWORD_VALIDATORS and checks the policy from settings. The sign-up
view resolves the pool's own policy (signup.password_policy.password_policy_current, which may read the pool) and
the form swaps it in through `with_policy`, so validation itself never touches the network.

Admin-configured patterns run on unauthenticated input before any rate limit, so they are matched by RE2, whose
time is linear in the input: no pattern can make a worker spin (Python's `re` backtracks: `([A-Za-z]+ ?)*` against
2,048 letters and a `!` froze a worker for half a minute). RE2 has no backreferences or lookaround, and its `\w` is
ASCII only (use `\pL` for letters of every script); a pattern it cannot compile is refused when saved.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from signup.password_policy import PasswordPolicy


class CognitoPasswordPolicyValidator:
    def __init__(self, policy: PasswordPolicy | None = None) -> None:
        self._policy = policy

    @property
    def policy(self) -> PasswordPolicy:
        return self._policy or PasswordPolicy.from_settings()

    def with_policy(self, policy: PasswordPolicy) -> CognitoPasswordPolicyValidator:
        return type(self)(policy)

    def validate(self, password: str, user: Any = None) -> None:
        policy = self.policy
        problems = []
        for code in policy.unmet(password):
            if code == "min_length":
                message = ngettext(
                    "Use at least %(min_length)d character.",
                    "Use at least %(min_length)d characters.",
                    policy.min_length,
                )
                problems.append(
                    ValidationError(message, code="password_too_short", params={"min_length": policy.min_length})
                )
            else:
                problems.append(ValidationError(_MESSAGES[code](), code=f"password_no_{code}"))
        if problems:
            raise ValidationError(problems)

    def get_help_text(self) -> str:
        texts = [str(rule.text) for rule in self.policy.rules()]
        return _("Your password needs: %(rules)s.") % {"rules": "; ".join(texts)}


_MESSAGES = {
    "uppercase": lambda: _("Add an uppercase letter (A–Z)."),  # noqa: RUF001 (typographic dash)
    "lowercase": lambda: _("Add a lowercase letter (a–z)."),  # noqa: RUF001 (typographic dash)
    "number": lambda: _("Add a number (0–9)."),  # noqa: RUF001 (typographic dash)
    "symbol": lambda: _("Add a symbol, such as ! ? @ # $ % - _"),
}


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a refused pattern is reported to the admin, not printed on stderr


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    return re2.compile(pattern, _RE2_OPTIONS)


def linear_pattern_error(pattern: str) -> str | None:
    """Why RE2 cannot use this pattern, or None when it can."""
    try:
        _compiled(pattern)
    except re2.error as error:
        detail = error.args[0] if error.args else error
        return detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
    except (TypeError, ValueError) as error:
        return str(error)
    return None


@deconstructible
class FullMatchValidator:
    """The admin's pattern: the whole value must match (as HTML's pattern attribute does), in linear time."""

    code = "pattern"

    def __init__(self, regex: str, message: str = "") -> None:
        self.regex = regex
        self.message = message or _("Enter a value in the expected format.")

    def __call__(self, value: str) -> None:
        try:
            matched = _compiled(self.regex).fullmatch(value) is not None
        except re2.error:  # refused when saved; a pattern that slipped through must not take the form down
            return
        if not matched:
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FullMatchValidator) and (self.regex, self.message) == (other.regex, other.message)
