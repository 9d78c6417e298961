"""`runserver` that, without COGNITO_USER_POOL_ID, first starts the embedded local Cognito.

The emulator lives in the autoreloader's parent process, which survives code reloads, so users and codes survive
them too; the serving child inherits the pool through environment variables. Its state is kept in
``.localcognito/state.json``, so the same pool and client (and their users) come back after a restart.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as StaticfilesRunserverCommand
from django.core.management.base import CommandParser
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from localcognito.embedded import pool_options_from_settings, start_embedded_cognito, state_path
from localcognito.emulator import PoolConfig


class Command(StaticfilesRunserverCommand):
    help = "Starts the development server; without COGNITO_USER_POOL_ID, on an embedded local Cognito."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--reset-local-cognito",
            action="store_true",
            help="Forget the embedded local Cognito's saved pool, users and codes before starting.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.COGNITO_LOCAL and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            state = state_path()
            if options.get("reset_local_cognito"):
                state.unlink(missing_ok=True)
            port = int(os.environ.get("LOCAL_COGNITO_PORT", "0"))
            _, pool = start_embedded_cognito(port=port, state=state)
            self.stdout.write(self.local_banner(pool, options))
        super().handle(*args, **options)

    def local_banner(self, pool: PoolConfig, options: dict[str, Any]) -> str:
        address = options.get("addrport") or f"{self.default_addr}:{self.default_port}"
        if ":" not in address:
            address = f"{self.default_addr}:{address}"
        lines = [f"Sign-up portal: http://{address}/signup/  (admin: http://{address}/admin/)"]
        relying_party = pool_options_from_settings()["webauthn_relying_party_id"]
        if relying_party == "localhost":
            port = address.rsplit(":", 1)[-1]
            lines.append(f"Passkeys: open http://localhost:{port}/signup/ (browsers make none for an IP address)")
        elif relying_party:
            lines.append(
                f"Passkeys: relying party {relying_party}; the portal must be served on https://{relying_party}"
            )
        return "\n".join(
            [
                *lines,
                f"Local Cognito: user pool {pool.user_pool_id}, app client {pool.client_id}, at {pool.endpoint_url}",
                "Confirmation codes and links are printed in this terminal.",
                f"State: {state_path()} (start afresh with scripts/run --reset)",
                "Admin account: .venv/bin/python manage.py createsuperuser",
                "",
            ]
        )
