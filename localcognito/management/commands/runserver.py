"""`runserver` that, without COGNITO_USER_POOL_ID, first starts the embedded local Cognito.

The emulator lives in the autoreloader's parent process, which survives code reloads, so users and codes survive
them too; the serving child inherits the pool through environment variables.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as StaticfilesRunserverCommand
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from localcognito.embedded import start_embedded_cognito


class Command(StaticfilesRunserverCommand):
    help = "Starts the development server; without COGNITO_USER_POOL_ID, on an embedded local Cognito."

    def handle(self, *args, **options):
        if settings.COGNITO_LOCAL and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            port = int(os.environ.get("LOCAL_COGNITO_PORT", "0"))
            _, pool = start_embedded_cognito(port=port)
            self.stdout.write(
                f"Embedded local Cognito at {pool.endpoint_url}: user pool {pool.user_pool_id}, "
                f"app client {pool.client_id} (with a secret). Confirmation codes are printed here."
            )
        super().handle(*args, **options)
