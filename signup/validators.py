"""A Django password validator for the user pool's password policy, so most InvalidPasswordException never happen.

Listed in AUTH_PASSWORD_VALIDATORS, it checks the policy from settings. The sign-up view resolves the pool's own
policy (signup.password_policy.password_policy_current, which may read the pool) and the form swaps it in through
`with_policy`, so validation itself never touches the network.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
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
