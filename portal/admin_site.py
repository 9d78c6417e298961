"""Django's admin with a throttled login: `admin_login` rate limits (SIGNUP_RATE_LIMIT, per client network and per
username, counting failures only) and a log line for every failure, so guessing an admin's password is slow and seen.
Every attempt is counted before the password is checked (so parallel guesses cannot slip past the limit) and a
successful one is taken back: an admin who signs in often is never locked out by it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from portal.errors import error_page
from signup import errors, ratelimits
from signup.client_ip import client_ip

logger = logging.getLogger(__name__)


class PortalAdminSite(admin.AdminSite):
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method != "POST":
            return super().login(request, extra_context)
        username = str(request.POST.get("username", ""))[:150] or None
        try:
            counted = ratelimits.enforce("admin_login", ip=client_ip(request), username=username)
        except errors.RateLimited as error:
            logger.warning("admin.login outcome=rate_limited client_ip=%s", client_ip(request))
            explanation = _("Too many sign-in attempts. Please wait a few minutes and try again.")
            return error_page(request, 429, explanation=explanation, retry_after=error.retry_after)
        response = super().login(request, extra_context)
        if response.status_code == 302 and request.user.is_authenticated:  # signed in: only failures count
            ratelimits.refund(counted)
        return response


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"


@receiver(user_login_failed, dispatch_uid="portal-admin-login-failed")
def _login_failed(request: HttpRequest | None = None, **_: Any) -> None:
    logger.warning("admin.login outcome=failed client_ip=%s", client_ip(request) if request is not None else "-")
