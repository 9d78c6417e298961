from django.apps import AppConfig


class LocalCognitoConfig(AppConfig):
    """Development-only: installed when COGNITO_USER_POOL_ID is unset. Product code never imports this package."""

    name = "localcognito"
    verbose_name = "Embedded local Cognito"
