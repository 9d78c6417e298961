"""Admin pages that are not model admins: the share of recent sign-ups that carried browser risk data."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from signup.risk_stats import risk_data_share


def risk_data_view(request: HttpRequest) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": _("Risk data from browsers"),
        "share": risk_data_share(),
        "collecting": settings.COGNITO_USER_CONTEXT_DATA,
        "script_url": settings.COGNITO_CONTEXT_DATA_SCRIPT_URL,
    }
    return TemplateResponse(request, "admin/signup/risk_data.html", context)
