"""Thin views: validate the form, call one service, map our errors onto the form, redirect (POST/redirect/GET)."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.middleware import SessionMiddleware
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET

from signup import errors, ratelimits, services
from signup.client_ip import client_ip
from signup.cognito import RequestContext
from signup.forms import HONEYPOT_FIELD, ConfirmForm, ResendForm, ResumeForm, SignUpForm
from signup.journey import Journey, journey_load
from signup.password_policy import password_policy_current
from signup.selectors import attribute_field_list_active

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = {429: 10, 503: 30}


def _request_context(
    request: HttpRequest, *, encoded_data: str = "", analytics_endpoint_id: str = ""
) -> RequestContext:
    return RequestContext(
        ip_address=client_ip(request),
        encoded_data=encoded_data,
        analytics_endpoint_id=analytics_endpoint_id or settings.COGNITO_ANALYTICS_ENDPOINT_ID,
    )


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        text = ngettext("You can try again in %(count)d second.", "You can try again in %(count)d seconds.", seconds)
        return text % {"count": seconds}
    minutes = (seconds + 59) // 60
    text = ngettext("You can try again in %(count)d minute.", "You can try again in %(count)d minutes.", minutes)
    return text % {"count": minutes}


def _show_error(form: forms.Form, error: errors.PortalError, *, say_how_long: bool = True) -> None:
    """Put one of our errors where the user can act on it: on its field if the form has it, else on the form.

    When we know how long the user must wait (Retry-After, our cooldown), the message says so.
    """
    field = error.field if error.field in form.fields else None
    if not form.is_bound:
        # An unbound form never runs validation, so give it the empty result add_error() expects.
        form.cleaned_data, form._errors = {}, ErrorDict()
    message = str(error.message)
    if say_how_long and error.retry_after:
        message = f"{message} {_wait_text(error.retry_after)}"
    form.add_error(field, forms.ValidationError(message, code=error.code))


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], error: errors.PortalError | None = None
) -> TemplateResponse:
    status = error.status if error else 200
    response = TemplateResponse(
        request, template, {**context, "error_code": error.code if error else ""}, status=status
    )
    if status in RETRY_AFTER_SECONDS:
        retry_after = getattr(error, "retry_after", None) or RETRY_AFTER_SECONDS[status]
        response["Retry-After"] = str(retry_after)
    if status >= 500:
        _keep_session(request, response)
    return response


def _keep_session(request: HttpRequest, response: HttpResponse) -> None:
    """Save the session on a 5xx page too. Django's SessionMiddleware skips 5xx responses, but a SignUp that timed
    out leaves a marker the next submission relies on (it may have gone through), so it must survive the 503."""
    if not request.session.modified:
        return
    status = response.status_code
    response.status_code = 200
    try:
        SessionMiddleware(lambda _: response).process_response(request, response)
    finally:
        response.status_code = status


def _rate_limit(
    request: HttpRequest, action: str, *, by_ip: bool = True, username: str | None = None
) -> HttpResponse | None:
    """Count this attempt; the 429 page (nothing sent to Cognito) if it is over a limit, else None.

    Only attempts that would reach Cognito (local validation passed) count, against the client IP and the username:
    they are what spends Cognito's quota and people's inboxes, while someone correcting typos, or a test suite
    checking messages, is never locked out. Floods of invalid requests belong to the load balancer or WAF.
    """
    try:
        ratelimits.enforce(action, ip=client_ip(request) if by_ip else None, username=username)
    except errors.RateLimited as error:
        return _render(request, "signup/rate_limited.html", {}, error)
    return None


def _journey_username(request: HttpRequest) -> str:
    journey = journey_load(request.session)
    return journey.username if journey else ""


def _next_step(journey: Journey) -> HttpResponseRedirect:
    return redirect("signup:done" if journey.confirmed else "signup:confirm")


@method_decorator([never_cache, sensitive_post_parameters("password", "password_again")], name="dispatch")
class SignUpView(View):
    template_name = "signup/signup.html"

    def _form(self, data: Any = None) -> SignUpForm:
        return SignUpForm(
            data,
            fields=attribute_field_list_active(),
            password_policy=password_policy_current(),
            confirm_password=settings.SIGNUP_CONFIRM_PASSWORD,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        form = self._form()
        return _render(request, self.template_name, {"form": form, "form_fingerprint": form.fingerprint()})

    # `data` holds the cleaned password: keep it out of error reports, like the POST parameters.
    @method_decorator(sensitive_variables("data"))
    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get(HONEYPOT_FIELD):
            # A bot filled the field people never see: answer as a success would, do nothing.
            logger.info("signup.register outcome=honeypot")
            return redirect("signup:confirm")
        form = self._form(request.POST)
        if not form.is_valid():
            return _render(request, self.template_name, {"form": form})
        data = form.cleaned_data
        if limited := _rate_limit(request, "signup", username=data["username"]):
            return limited
        try:
            journey = services.signup_register(
                session=request.session,
                username=data["username"],
                password=data["password"],
                user_attributes=form.attribute_values(),
                validation_data=form.validation_data(),
                client_metadata=form.client_metadata(),
                context=_request_context(
                    request, encoded_data=data["encoded_data"], analytics_endpoint_id=data["analytics_endpoint_id"]
                ),
            )
        except errors.PortalError as error:
            _show_error(form, error)
            return _render(request, self.template_name, {"form": form}, error)
        return _next_step(journey)


def _confirm_page(
    request: HttpRequest, journey: Journey, form: ConfirmForm, error: errors.PortalError | None = None
) -> TemplateResponse:
    wait = services.signup_resend_wait(journey=journey, cooldown=settings.SIGNUP_RESEND_COOLDOWN)
    context = {"journey": journey, "form": form, "resend_wait": wait}
    return _render(request, "signup/confirm.html", context, error)


@method_decorator([never_cache, sensitive_post_parameters("code")], name="dispatch")
class ConfirmView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        journey = journey_load(request.session)
        if journey is None:
            return redirect("signup:signup")
        return _confirm_page(request, journey, ConfirmForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        journey = journey_load(request.session)
        if journey is None:
            return redirect("signup:signup")
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            return _confirm_page(request, journey, form)
        if limited := _rate_limit(request, "confirm", username=journey.username):
            return limited
        try:
            journey = services.signup_confirm(
                session=request.session,
                code=form.cleaned_data["code"],
                context=_request_context(request, encoded_data=form.cleaned_data["encoded_data"]),
            )
        except errors.UserNotFound as error:
            messages.error(request, error.message)
            return redirect("signup:signup")
        except errors.PortalError as error:
            _show_error(form, error)
            return _confirm_page(request, journey, form, error)
        return redirect("signup:done")


@method_decorator(never_cache, name="dispatch")
class ResendView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponseBase:
        if limited := _rate_limit(request, "resend", username=_journey_username(request)):
            return limited
        form = ResendForm(request.POST)
        encoded_data = form.cleaned_data["encoded_data"] if form.is_valid() else ""
        try:
            journey = services.signup_resend(
                session=request.session,
                context=_request_context(request, encoded_data=encoded_data),
                cooldown=settings.SIGNUP_RESEND_COOLDOWN,
            )
        except errors.NoSignUpInProgress:
            return redirect("signup:signup")
        except errors.UserNotFound as error:
            messages.error(request, error.message)
            return redirect("signup:signup")
        except errors.PortalError as error:
            journey = journey_load(request.session)
            if journey is None:
                return redirect("signup:signup")
            form = ConfirmForm()
            # The page's own countdown (aria-live) says how long; a second, static figure would go stale.
            _show_error(form, error, say_how_long=not isinstance(error, errors.ResendCooldown))
            return _confirm_page(request, journey, form, error)
        if not journey.confirmed:
            messages.success(request, _("We sent you a new code."))
        return _next_step(journey)


@method_decorator([never_cache], name="dispatch")
class ResumeView(View):
    template_name = "signup/resume.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return _render(
            request, self.template_name, {"form": ResumeForm(initial={"username": request.GET.get("username", "")})}
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ResumeForm(request.POST)
        if not form.is_valid():
            return _render(request, self.template_name, {"form": form})
        if limited := _rate_limit(request, "resume", username=form.cleaned_data["username"]):
            return limited
        try:
            journey = services.signup_resume(
                session=request.session,
                username=form.cleaned_data["username"],
                context=_request_context(request, encoded_data=form.cleaned_data["encoded_data"]),
            )
        except errors.PortalError as error:
            _show_error(form, error)
            return _render(request, self.template_name, {"form": form}, error)
        return _next_step(journey)


@method_decorator(never_cache, name="dispatch")
class RestartView(View):
    """ "Wrong address? Start again": forget the sign-up in progress and go back to the form."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponseBase:
        services.signup_restart(session=request.session)
        return redirect("signup:signup")


@method_decorator(never_cache, name="dispatch")
class DoneView(View):
    template_name = "signup/done.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        journey = journey_load(request.session)
        if journey is None:
            return redirect("signup:signup")
        if not journey.confirmed:
            return redirect("signup:confirm")
        return _render(request, self.template_name, {"journey": journey})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: the process answers. It touches neither Cognito nor the database."""
    return HttpResponse("ok", content_type="text/plain")


signup_view = SignUpView.as_view()
confirm_view = ConfirmView.as_view()
resend_view = ResendView.as_view()
resume_view = ResumeView.as_view()
restart_view = RestartView.as_view()
done_view = DoneView.as_view()
