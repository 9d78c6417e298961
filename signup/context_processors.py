from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.encoding import escape_uri_path

from signup import branding


def language_next(request: HttpRequest) -> str:
    """Where the language switcher comes back to: this page, without its `next`. A return URL the allow-list refused
    must never be echoed into a page or a Location; an accepted one is in the session already."""
    if "next" not in request.GET:
        return request.get_full_path()
    query = request.GET.copy()
    del query["next"]
    path = escape_uri_path(request.path)
    return f"{path}?{query.urlencode()}" if query else path


def portal(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: whether and from where to load Cognito's risk script, the app's name, and where the
    language switcher comes back to."""
    return {
        "cognito_context_data": settings.COGNITO_USER_CONTEXT_DATA,
        "cognito_context_data_script_url": settings.COGNITO_CONTEXT_DATA_SCRIPT_URL,
        "cognito_user_pool_id": settings.COGNITO_USER_POOL_ID,
        "cognito_client_id": settings.COGNITO_CLIENT_ID,
        "app_name": settings.SIGNUP_APP_NAME,
        "brand": {
            "logo_url": branding.asset_url(settings.SIGNUP_BRAND_LOGO_URL),
            "favicon_url": branding.favicon_url(),
            "stylesheet_url": branding.stylesheet_url(),
            "terms_url": settings.SIGNUP_TERMS_URL,
            "privacy_url": settings.SIGNUP_PRIVACY_URL,
            "support_url": settings.SIGNUP_SUPPORT_URL,
        },
        "language_next": language_next(request),
    }
