"""Thin views: validate the form, call one service, map our errors onto the page, redirect (POST/redirect/GET)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from portal.no_cache import never_cache
from portal.redirects import redirect
from portal.view_decorators import decorate_view
from signup import captcha, errors, insights, page_cache, services
from signup.client_ip import request_context
from signup.forms import HONEYPOT_FIELD, ChangeAddressForm, ConfirmForm, ResendForm, ResumeForm, SignUpForm
from signup.journey import Journey, journey_load, notice_pop, notice_set
from signup.pages import PageError, on_form, render_page
from signup.password_policy import password_policy_current
from signup.selectors import attribute_field_list_for_form, attribute_field_spec, configuration_revision_held

logger = logging.getLogger(__name__)


def _next_step(journey: Journey) -> HttpResponseRedirect:
    if journey.passkey_offer:
        return redirect("signup:passkey")
    return redirect("signup:done" if journey.confirmed else "signup:confirm")


def _remember_return_url(request: HttpRequest) -> None:
    # Most visits have no query string: skip building request.GET for them.
    if request.META.get("QUERY_STRING") and (candidate := request.GET.get("next", "")):
        services.signup_return_to(session=request.session, candidate=candidate)


@decorate_view(never_cache, sensitive_post_parameters("password", "password_again", *captcha.TOKEN_FIELDS))
class SignUpView(View):
    template_name = "signup/signup.html"

    def _form(self, data: Any = None, *, specs: Any = None, policy: Any = None) -> SignUpForm:
        return SignUpForm(
            data,
            fields=attribute_field_list_for_form() if specs is None else specs,
            password_policy=policy or password_policy_current(),
            confirm_password=settings.SIGNUP_CONFIRM_PASSWORD,
            password_mode=settings.SIGNUP_PASSWORD,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        _remember_return_url(request)
        specs, policy = attribute_field_list_for_form(), password_policy_current()
        insights.form_shown()
        if not page_cache.cacheable(request):
            return render_page(request, self.template_name, {"form": self._form(specs=specs, policy=policy)})
        key = page_cache.page_key(specs, policy, configuration_revision_held())

        def render(extra: dict[str, Any]) -> TemplateResponse:  # only when this process has not rendered it yet
            return render_page(request, self.template_name, {"form": self._form(specs=specs, policy=policy), **extra})

        return page_cache.serve(request, key, render)

    # `data` holds the cleaned password: keep it out of error reports, like the POST parameters.
    @sensitive_variables("data", "sign_up")
    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get(HONEYPOT_FIELD):
            # A bot filled the field people never see: answer as a success would, do nothing.
            services.signup_honeypot_hit()
            return redirect("signup:confirm")
        form = self._form(request.POST)
        if not form.is_valid():
            return render_page(request, self.template_name, {"form": form})
        data = form.cleaned_data
        sign_up = form.sign_up_request()
        context = request_context(
            request, encoded_data=data["encoded_data"], analytics_endpoint_id=data["analytics_endpoint_id"]
        )
        try:
            journey = services.signup_register(
                session=request.session,
                request=sign_up,
                context=context,
                captcha_token=request.POST.get(captcha.token_field()),
                consents=form.consent_versions(),
            )
        except errors.PortalError as error:
            on_form(form, error)
            return render_page(request, self.template_name, {"form": form}, error)
        return _next_step(journey)


def _change_form(journey: Journey, data: Any = None) -> ChangeAddressForm:
    attribute = journey.delivery.attribute if journey.delivery else "email"
    return ChangeAddressForm(data, spec=attribute_field_spec(attribute), attribute=attribute)


def _confirm_page(
    request: HttpRequest,
    journey: Journey,
    *,
    error: errors.PortalError | None = None,
    form: ConfirmForm | None = None,
    change_form: ChangeAddressForm | None = None,
) -> TemplateResponse:
    """The code step. An error from a POST that redirected here arrives as a notice (POST/redirect/GET)."""
    if error is None and request.method == "GET" and (code := notice_pop(request.session)):
        error = errors.error_for_code(code)
    can_change = services.signup_can_change_address(journey=journey)
    confirmation = services.signup_confirmation_kind(journey=journey)
    context = {
        "journey": journey,
        "form": form or ConfirmForm(),
        "resend_wait": services.signup_resend_wait(journey=journey),
        "confirmation": confirmation,
        "can_change_address": can_change,
        "change_form": change_form or (_change_form(journey) if can_change else None),
        "page_error": _page_error(error, link=confirmation == "link") if error else None,
        "continue_url": services.signup_continue_url(session=request.session),
        "uniform_outcome": settings.SIGNUP_UNIFORM_OUTCOME,
    }
    return render_page(request, "signup/confirm.html", context, error)


def _page_error(error: errors.PortalError, *, link: bool) -> PageError:
    if not isinstance(error, errors.ResendCooldown):
        return PageError.of(error)
    # The countdown next to the button says how long: the summary does not repeat it.
    if link:
        return PageError(code=error.code, message=_("Please wait before asking for another link."))
    return PageError.of(error, say_how_long=False)


def _after_post(request: HttpRequest, journey: Journey, error: errors.PortalError) -> HttpResponseBase:
    """Errors the person can act on go through a redirect (Back never re-posts); 429/503 answer with their status."""
    if error.status >= 429:
        return _confirm_page(request, journey, error=error)
    notice_set(request.session, error.code)
    return redirect("signup:confirm")


@decorate_view(never_cache, sensitive_post_parameters("code"))
class ConfirmView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        journey = journey_load(request.session)
        if journey is None:
            return redirect("signup:signup")
        if journey.passkey_offer:
            return redirect("signup:passkey")
        return _confirm_page(request, journey)

    def post(self, request: HttpRequest) -> HttpResponseBase:
        journey = journey_load(request.session)
        if journey is None:
            return redirect("signup:signup")
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            return _confirm_page(request, journey, form=form)
        context = request_context(request, encoded_data=form.cleaned_data["encoded_data"])
        try:
            journey = services.signup_confirm(session=request.session, code=form.cleaned_data["code"], context=context)
        except errors.UserNotFound as error:
            messages.error(request, error.message)
            return redirect("signup:signup")
        except errors.PortalError as error:
            return _after_post(request, journey, error)
        return _next_step(journey)


@decorate_view(never_cache)
class ResendView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponseBase:
        journey = journey_load(request.session)
        if journey is None:
            return redirect("signup:signup")
        form = ResendForm(request.POST)
        context = request_context(request, encoded_data=form.cleaned_data["encoded_data"] if form.is_valid() else "")
        try:
            resent = services.signup_resend(session=request.session, context=context)
        except errors.UserNotFound as error:
            messages.error(request, error.message)
            return redirect("signup:signup")
        except errors.ResendCooldown as error:
            return _confirm_page(request, journey, error=error)
        except errors.PortalError as error:
            return _after_post(request, journey, error)
        if not resent.confirmed:
            link = services.signup_confirmation_kind(journey=resent) == "link"
            messages.success(request, _("We sent you a new link.") if link else _("We sent you a new code."))
        return _next_step(resent)


@decorate_view(never_cache, sensitive_post_parameters("address"))
class ChangeAddressView(View):
    """ "Change the address" on the code step: the unconfirmed account gets the corrected address and a new code."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponseBase:
        journey = journey_load(request.session)
        if journey is None:
            return redirect("signup:signup")
        form = _change_form(journey, request.POST)
        if not form.is_valid():
            return _confirm_page(request, journey, change_form=form)
        context = request_context(request, encoded_data=form.cleaned_data["encoded_data"])
        try:
            changed = services.signup_change_address(
                session=request.session, address=form.cleaned_data["address"], context=context
            )
        except errors.PortalError as error:
            if error.status >= 429 or error.field == "address":
                on_form(form, error)
                return _confirm_page(request, journey, error=error, change_form=form)
            return _after_post(request, journey, error)
        if services.signup_confirmation_kind(journey=changed) == "link":
            messages.success(request, _("We changed the address and sent a new link there."))
        else:
            messages.success(request, _("We changed the address and sent a new code there."))
        return _next_step(changed)


@decorate_view(never_cache, sensitive_post_parameters(*captcha.TOKEN_FIELDS))
class ResumeView(View):
    template_name = "signup/resume.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        _remember_return_url(request)
        return render_page(request, self.template_name, {"form": ResumeForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ResumeForm(request.POST)
        if not form.is_valid():
            return render_page(request, self.template_name, {"form": form})
        context = request_context(request, encoded_data=form.cleaned_data["encoded_data"])
        try:
            journey = services.signup_resume(
                session=request.session,
                username=form.cleaned_data["username"],
                context=context,
                captcha_token=request.POST.get(captcha.token_field()),
            )
        except errors.AlreadyConfirmed as error:
            page = {
                "form": form,
                "confirmed": True,
                "continue_url": services.signup_continue_url(session=request.session),
            }
            return render_page(request, self.template_name, page, error)
        except errors.PortalError as error:
            on_form(form, error)
            return render_page(request, self.template_name, {"form": form}, error)
        return _next_step(journey)


@decorate_view(never_cache)
class RestartView(View):
    """ "Wrong address? Start again": forget the sign-up in progress and go back to the form."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponseBase:
        services.signup_restart(session=request.session)
        return redirect("signup:signup")


@decorate_view(never_cache)
class DoneView(View):
    template_name = "signup/done.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        journey = journey_load(request.session)
        if journey is None:
            return redirect("signup:signup")
        if not journey.confirmed or journey.passkey_offer:
            return _next_step(journey)
        context = {"journey": journey, "continue_url": services.signup_continue_url(session=request.session)}
        return render_page(request, self.template_name, context)


signup_view = SignUpView.as_view()
confirm_view = ConfirmView.as_view()
resend_view = ResendView.as_view()
change_address_view = ChangeAddressView.as_view()
resume_view = ResumeView.as_view()
restart_view = RestartView.as_view()
done_view = DoneView.as_view()
