from __future__ import annotations

from django.apps import AppConfig


class LocalCognitoConfig(AppConfig):
    """Development-only: installed when COGNITO_USER_POOL_ID is unset. Product code never imports this package."""

    name = "localcognito"
    verbose_name = "Embedded local Cognito"

    def ready(self) -> None:
        from localcognito.receivers import pool_attributes_wanted_receiver
        from signup.signals import pool_attributes_wanted

        pool_attributes_wanted.connect(pool_attributes_wanted_receiver, dispatch_uid="localcognito-pool-attributes")
