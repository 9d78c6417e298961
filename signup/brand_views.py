"""The brand's stylesheet and the favicon: the only ways the operator's colours and icon reach a page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from signup import branding


@require_safe
def brand_css_view(request: HttpRequest) -> HttpResponse:
    # Pages link it with the stylesheet's hash as the version (brand_css_url), so a long cache life is safe.
    response = HttpResponse(branding.stylesheet(), content_type="text/css; charset=utf-8")
    patch_cache_control(response, public=True, max_age=86400)
    return response


@require_safe
def favicon_view(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: answer with the brand's icon or the shipped one."""
    response = HttpResponseRedirect(branding.favicon_url())
    patch_cache_control(response, public=True, max_age=86400)
    return response
