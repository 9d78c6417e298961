"""The passkey step after confirmation: the offer page, the two JSON calls its script makes, and "Not now".

The page works without JavaScript (it then offers only "Continue"). Its script asks for the creation options, runs
navigator.credentials.create() and posts the credential back, with the CSRF token in a header. No token ever reaches
the browser: the options and the credential are all that cross.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _
from django.views import View

from portal.no_cache import never_cache
from portal.redirects import redirect, step_url
from portal.view_decorators import decorate_view
from signup import errors, sign_in
from signup.journey import journey_load
from signup.pages import render_page

logger = logging.getLogger(__name__)

CREDENTIAL_MAX_BYTES = 64 * 1024


#: Failures that trying again cannot mend: the page then offers only "Continue".
_FINAL = (
    errors.PasskeySignInExpired,
    errors.PasskeysNotEnabled,
    errors.PasskeysNotConfigured,
    errors.PasskeyLimitExceeded,
    errors.PasskeyRelyingPartyMismatch,
    errors.PasskeyOriginNotAllowed,
    errors.PasskeyClientMismatch,
)


def _json_error(error: errors.PortalError, *, passkey_status: int) -> JsonResponse:
    """Our error as the page's script reads it: a stable code, a translated message, whether to offer a retry.

    Any other failure (Cognito unavailable, throttled) still says "the account is ready": the sign-up succeeded.
    """
    if isinstance(error, errors.PasskeyError):
        message, status = error.message, passkey_status
    else:
        message, status = errors.PasskeyError.message, error.status if error.status >= 400 else 503
    payload = {"ok": False, "code": error.code, "message": str(message), "retry": not isinstance(error, _FINAL)}
    return JsonResponse(payload, status=status)


def _credential(request: HttpRequest) -> dict[str, Any]:
    """The credential's JSON (PublicKeyCredential.toJSON()), shape-checked; never logged."""
    if len(request.body) > CREDENTIAL_MAX_BYTES:
        raise errors.PasskeyInvalidCredential()
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise errors.PasskeyInvalidCredential() from None
    credential = payload.get("credential") if isinstance(payload, dict) else None
    if (
        not isinstance(credential, dict)
        or credential.get("type") != "public-key"
        or not isinstance(credential.get("id"), str)
        or not isinstance(credential.get("response"), dict)
    ):
        raise errors.PasskeyInvalidCredential()
    return credential


@decorate_view(never_cache)
class PasskeyOfferView(View):
    template_name = "signup/passkey.html"

    def get(self, request: HttpRequest) -> HttpResponseBase:
        journey = journey_load(request.session)
        if journey is None:
            return redirect("signup:signup")
        if not journey.passkey_offer:
            return redirect("signup:done" if journey.confirmed else "signup:confirm")
        return render_page(request, self.template_name, {"journey": journey})


@decorate_view(never_cache)
class PasskeyOptionsView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> JsonResponse:
        try:
            options = sign_in.passkey_creation_options(session=request.session)
        except errors.PortalError as error:
            return _json_error(error, passkey_status=409)
        return JsonResponse({"ok": True, "options": options})


@decorate_view(never_cache)
class PasskeyRegisterView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> JsonResponse:
        try:
            sign_in.passkey_register(session=request.session, credential=_credential(request))
        except errors.PortalError as error:
            return _json_error(error, passkey_status=400)
        saved = _("Your passkey is saved.")
        messages.success(request, saved)  # the done page says it again, for whoever missed the announcement
        return JsonResponse({"ok": True, "message": saved, "next": step_url("signup:done")})


@decorate_view(never_cache)
class PasskeySkipView(View):
    """ "Not now" and "Continue": end the passkey step (the tokens are dropped and revoked) and go to the done page."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            sign_in.passkey_step_end(session=request.session)
        except errors.NoSignUpInProgress:
            return redirect("signup:signup")
        return redirect("signup:done")


passkey_offer_view = PasskeyOfferView.as_view()
passkey_options_view = PasskeyOptionsView.as_view()
passkey_register_view = PasskeyRegisterView.as_view()
passkey_skip_view = PasskeySkipView.as_view()
