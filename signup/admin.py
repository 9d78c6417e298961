"""The admin for attribute fields: validation against the user pool, pool warnings, import from the pool, preview."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import construct_instance
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from signup import field_config, field_rules, pool, pool_checks, preview, return_urls
from signup.forms import SignUpForm
from signup.models import AttributeField, AttributeFieldTranslation
from signup.selectors import FieldSpec, attribute_field_list_for_form

POOL_UNREADABLE = gettext_lazy(
    "The user pool could not be read (no AWS credentials, no permission, or Cognito unreachable): "
    "only the local checks apply."
)


class AttributeFieldAdminForm(forms.ModelForm):
    class Meta:
        model = AttributeField
        fields = field_config.EXPORTED_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.has_error("attribute_name") or not cleaned.get("attribute_name"):
            return cleaned
        # The pool's rules, on a copy of the instance as the form would save it (the model's own rules run after).
        candidate = construct_instance(self, copy.copy(self.instance))
        if _refuses_name(candidate):
            return cleaned  # the model's own message says what is wrong with the name; the pool has nothing to add
        try:
            field_rules.attribute_field_pool_validate(candidate, field_rules.pool_rules(fresh=True))
        except ValidationError as error:
            for name, problems in error.error_dict.items():
                for problem in problems:
                    self.add_error(name if name in self.fields else None, problem)
        return cleaned


def _refuses_name(field: AttributeField) -> bool:
    try:
        field.clean()
    except ValidationError as error:
        return "attribute_name" in getattr(error, "error_dict", {})
    return False


def _rules_for(request: HttpRequest) -> field_rules.PoolRules | None:
    # Read once per request: list pages call this per row.
    if not hasattr(request, "signup_pool_rules"):
        request.signup_pool_rules = field_rules.pool_rules(fresh=True)  # type: ignore[attr-defined]
    return request.signup_pool_rules  # type: ignore[attr-defined]


class AttributeFieldTranslationInline(admin.TabularInline):
    """The field's texts in other languages; saving or deleting one raises the configuration revision like a field
    write (signup.selectors)."""

    model = AttributeFieldTranslation
    fields = ("language", "label", "help_text", "placeholder")
    extra = 1
    verbose_name_plural = gettext_lazy("Texts in other languages (empty: the texts above are shown)")


@admin.register(AttributeField)
class AttributeFieldAdmin(admin.ModelAdmin):
    form = AttributeFieldAdminForm
    inlines = (AttributeFieldTranslationInline,)
    list_display = ("label", "attribute_name", "input_type", "destination", "required", "enabled", "position")
    list_editable = ("required", "enabled", "position")
    list_filter = ("enabled", "required", "input_type", "destination")
    search_fields = ("label", "attribute_name")
    ordering = ("position", "id")
    actions = ["import_pool_attributes"]
    fieldsets = (
        (None, {"fields": ("attribute_name", "destination", "label", "help_text", "placeholder", "input_type")}),
        (gettext_lazy("Behaviour"), {"fields": ("required", "enabled", "position", "initial", "autocomplete")}),
        (
            gettext_lazy("Validation"),
            {
                "fields": (
                    ("min_length", "max_length"),
                    "regex",
                    "regex_message",
                    ("min_value", "max_value"),
                    "choices",
                    "phone_region",
                    "allowed_countries",
                )
            },
        ),
        (
            gettext_lazy("Consent"),
            {"fields": ("consent_version", "consent_terms_url", "consent_privacy_url")},
        ),
    )

    # --- The list: pool warnings ------------------------------------------------------------------------------

    def get_list_display(self, request: HttpRequest) -> Any:
        rules = _rules_for(request)
        warnings = {}
        if rules is not None:
            configured = [field_rules.ConfiguredField.from_model(f) for f in AttributeField.objects.all()]
            warnings = dict(field_rules.required_attribute_warnings(configured, rules))

        @admin.display(description=_("pool check"))
        def pool_check(obj: AttributeField) -> str:
            if rules is None:
                return _("pool not readable")
            problems = field_rules.attribute_field_pool_errors(obj, rules)
            notes = [str(m) for errors in problems.values() for error in errors for m in error.messages]
            if obj.attribute_name in warnings:
                notes.append(warnings[obj.attribute_name])
            return " ".join(notes) or _("OK")

        return (*self.list_display, pool_check)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if (
            request.method == "POST"
            and request.POST.get("action") == "import_pool_attributes"
            and "_save" not in request.POST
        ):
            # This action is about the pool, not the selected rows: it runs without a selection (Django's action
            # machinery would insist on one).
            if self.has_add_permission(request):
                self.import_pool_attributes(request, self.get_queryset(request))
            else:
                self.message_user(request, _("You may not add attribute fields."), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        elif request.method == "GET":
            for message in self._pool_warnings(request):
                self.message_user(request, message, messages.WARNING)
        extra_context = {**(extra_context or {}), "preview_url": reverse("admin:signup_attributefield_preview")}
        return super().changelist_view(request, extra_context)

    def _pool_warnings(self, request: HttpRequest) -> list[str]:
        """What the pool would refuse about the whole configuration, and what it cannot do of the settings."""
        rules = _rules_for(request)
        if rules is None:
            return [str(POOL_UNREADABLE)]
        configured = [field_rules.ConfiguredField.from_model(f) for f in AttributeField.objects.all()]
        warnings = [message for _name, message in field_rules.required_attribute_warnings(configured, rules)]
        user_pool, client = pool.user_pool_description(), pool.user_pool_client_description()
        if user_pool is not None and client is not None:
            webauthn = pool.passkey_configuration(fresh=True) if settings.SIGNUP_PASSKEYS == "offer" else None
            findings = pool_checks.all_findings(user_pool, client, webauthn)
            warnings += [f"{finding.message} {finding.hint}" for finding in findings]
        return warnings

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        if request.method == "GET" and _rules_for(request) is None:
            self.message_user(request, POOL_UNREADABLE, messages.WARNING)
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.action(
        description=gettext_lazy("Import the pool's writable attributes as disabled fields"), permissions=["add"]
    )
    def import_pool_attributes(self, request: HttpRequest, queryset: QuerySet[AttributeField]) -> None:
        rules = _rules_for(request)
        if rules is None:
            self.message_user(request, POOL_UNREADABLE, messages.ERROR)
            return
        created = field_config.attribute_field_import_from_pool(rules)
        if created:
            names = ", ".join(field.attribute_name for field in created)
            self.message_user(
                request,
                _("Added %(count)d disabled field(s) to review: %(names)s.") % {"count": len(created), "names": names},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("Every writable pool attribute already has a field."), messages.INFO)

    # --- The preview --------------------------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        preview_view = self.admin_site.admin_view(self.preview_view)
        return [path("preview/", preview_view, name="signup_attributefield_preview"), *super().get_urls()]

    @method_decorator(sensitive_post_parameters("password"))
    def preview_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        language = preview.preview_language(request.GET.get("language"))
        # The whole page in the chosen language, as a user with that language sees it (rendered before leaving).
        with translation.override(language):
            response = TemplateResponse(request, "signup/preview.html", self._preview_context(request, language))
            return response.render()

    def _preview_context(self, request: HttpRequest, language: str) -> dict[str, Any]:
        include_disabled = request.GET.get("disabled") == "1"
        if include_disabled:
            fields = AttributeField.objects.order_by("position", "id").prefetch_related("translations")
            specs: tuple[FieldSpec, ...] = tuple(FieldSpec.from_model(field) for field in fields)
        else:
            specs = attribute_field_list_for_form()  # exactly what the live form is built from
        options: dict[str, Any] = {"fields": specs, "password_mode": settings.SIGNUP_PASSWORD}
        if request.method == "POST":
            form = SignUpForm(request.POST, **options)
            shown = form
        else:
            # Show the empty form as users first see it; the request is built from sample values.
            shown = SignUpForm(**options)
            form = SignUpForm(preview.sample_data(specs), **options)
        request_json = preview.preview_request_json(form, request) if form.is_valid() else ""
        return {
            "form": shown,
            "form_action": request.get_full_path(),
            "request_json": request_json,
            "sample_errors": form.errors if request.method != "POST" and not form.is_valid() else None,
            "include_disabled": include_disabled,
            "preview_language": language,
            "preview_languages": preview.language_links(request, language),
            "changelist_url": reverse("admin:signup_attributefield_changelist"),
            "preview_url": reverse("admin:signup_attributefield_preview"),
            "return_urls": return_urls.configuration(),
        }


from signup import records_admin  # noqa: E402, F401  (the sign-up records admin registers itself)
