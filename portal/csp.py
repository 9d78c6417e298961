"""django-csp's middleware, building the policy once instead of on every response.

The policy is the same for every response unless a view changes it (django-csp's decorators) or uses a nonce, and
the portal's pages do neither; building it (twice, each with a dataclass-to-dict deep copy) cost about 2 % of a
page's CPU. Responses with an override or a nonce, and Django's debug pages, go through django-csp's own code.
"""

from __future__ import annotations

from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponseBase

_OVERRIDES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_built: dict[bool, str] = {}


def _forget(**_: Any) -> None:
    _built.clear()


setting_changed.connect(_forget, dispatch_uid="portal-csp-policy")


def _policy(report_only: bool) -> str:
    if report_only not in _built:
        _built[report_only] = build_policy(report_only=report_only)
    return _built[report_only]


class CSPMiddleware(DjangoCSPMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if self._own_policy(request, response):
            return super().process_response(request, response)
        for header, report_only, exempt, setting in (
            (HEADER, False, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, True, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            policy = _policy(report_only)
            prefixes = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
            excluded = bool(prefixes) and request.path_info.startswith(prefixes)
            if policy and header not in response and not getattr(response, exempt, False) and not excluded:
                response[header] = policy
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    @staticmethod
    def _own_policy(request: HttpRequest, response: HttpResponseBase) -> bool:
        debug_page = settings.DEBUG and response.status_code in (404, 500)
        nonce = getattr(request, "_csp_nonce", None) is not None
        return debug_page or nonce or any(getattr(response, name, None) for name in _OVERRIDES)
