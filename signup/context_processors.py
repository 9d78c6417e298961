from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: whether and from where to load Cognito's risk script, and the app's name."""
    return {
        "cognito_context_data": settings.COGNITO_USER_CONTEXT_DATA,
        "cognito_context_data_script_url": settings.COGNITO_CONTEXT_DATA_SCRIPT_URL,
        "cognito_user_pool_id": settings.COGNITO_USER_POOL_ID,
        "cognito_client_id": settings.COGNITO_CLIENT_ID,
        "app_name": settings.SIGNUP_APP_NAME,
    }
