"""System checks: Cognito settings present and well-formed."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def cognito_settings_check(**_: Any) -> list[Error | Warning]:
    problems: list[Error | Warning] = []
    if settings.COGNITO_LOCAL:
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
