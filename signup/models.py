"""The admin-configured attribute fields of the sign-up form."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from signup.validators import linear_pattern_error

_Model = TypeVar("_Model", bound=models.Model)

#: How a clean() helper reports one problem: (model field, message, code).
Problem = Callable[[str, Any, str], None]

# Standard attributes a sign-up form may ask for. `sub`, `updated_at`, `*_verified` are Cognito's to set.
STANDARD_ATTRIBUTES = (
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "address",
)

# Cognito stores at most 2048 bytes per attribute value.
VALUE_MAX_LENGTH = 2048

# The names of the sign-up form's own inputs: no configured field may take them.
RESERVED_NAMES = frozenset({"username", "password", "encoded_data", "analytics_endpoint_id", "csrfmiddlewaretoken"})

user_attribute_name_validator = RegexValidator(
    regex=r"^(?:(?:" + "|".join(STANDARD_ATTRIBUTES) + r")|custom:[A-Za-z0-9_\-]{1,20})\Z",
    message=_("Use a standard Cognito attribute (such as email) or custom:<name> with at most 20 characters."),
    code="invalid_attribute_name",
)
# ValidationData names and ClientMetadata keys are read by the deployment's Lambda triggers, not stored by Cognito.
field_name_validator = RegexValidator(
    regex=r"^[A-Za-z][A-Za-z0-9_:.\-]{0,31}\Z",
    message=_("Use at most 32 letters, digits and _ : . - characters, starting with a letter."),
    code="invalid_field_name",
)
autocomplete_validator = RegexValidator(
    regex=r"^[a-z0-9\-]+(?: [a-z0-9\-]+)*\Z",
    message=_("Use an HTML autocomplete token such as email, given-name or off."),
    code="invalid_autocomplete",
)
allowed_countries_validator = RegexValidator(
    regex=r"^(?:[A-Za-z]{2}(?:\s*,\s*[A-Za-z]{2})*)?\Z",
    message=_("Use two-letter region codes separated by commas, such as GB, IE."),
    code="invalid_countries",
)
consent_version_validator = RegexValidator(
    regex=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,39}\Z",
    message=_("Use at most 40 letters, digits and _ . : - characters, such as 2026-01 or v3."),
    code="invalid_consent_version",
)
#: The links a consent label may carry: [text](terms) and [text](privacy).
CONSENT_LINK = re.compile(r"\[([^\[\]]+)\]\((terms|privacy)\)")
phone_region_validator = RegexValidator(
    regex=r"^[A-Z]{2}\Z", message=_("Use a two-letter region code such as GB or US."), code="invalid_region"
)


class InputType(models.TextChoices):
    TEXT = "text", _("Text")
    EMAIL = "email", _("Email")
    TEL = "tel", _("Telephone")
    DATE = "date", _("Date")
    NUMBER = "number", _("Number")
    URL = "url", _("URL")
    SELECT = "select", _("Select")
    CHECKBOX = "checkbox", _("Checkbox")
    TEXTAREA = "textarea", _("Text area")
    CONSENT = "consent", _("Consent (terms, privacy notice, opt-in)")


class Destination(models.TextChoices):
    USER_ATTRIBUTES = "user_attributes", _("UserAttributes (stored on the user)")
    VALIDATION_DATA = "validation_data", _("ValidationData (for a pre sign-up Lambda, not stored)")
    CLIENT_METADATA = "client_metadata", _("ClientMetadata (for Lambda triggers, not stored)")
    NONE = "none", _("Not sent to Cognito (consent fields: kept in the sign-up record only)")


def region_codes(value: str) -> list[str]:
    """ "GB, ie" -> ["GB", "IE"]: the allowed countries of a phone field."""
    return [code.strip().upper() for code in value.split(",") if code.strip()]


# Input types whose value is typed text, so length and pattern rules apply.
TEXT_INPUT_TYPES = frozenset({InputType.TEXT, InputType.EMAIL, InputType.TEL, InputType.URL, InputType.TEXTAREA})


# The autocomplete token a browser expects for each standard attribute (HTML "autofill detail tokens").
AUTOCOMPLETE_DEFAULTS: dict[str, str] = {
    "email": "email",
    "phone_number": "tel",
    "name": "name",
    "given_name": "given-name",
    "family_name": "family-name",
    "middle_name": "additional-name",
    "nickname": "nickname",
    "preferred_username": "username",
    "profile": "url",
    "picture": "photo",
    "website": "url",
    "gender": "sex",
    "birthdate": "bday",
    "zoneinfo": "off",
    "locale": "language",
    "address": "street-address",
}
_INPUT_TYPE_AUTOCOMPLETE: dict[str, str] = {InputType.EMAIL: "email", InputType.TEL: "tel", InputType.URL: "url"}


def default_autocomplete(attribute_name: str, input_type: str) -> str:
    """The autocomplete token used when an admin leaves it empty ("" = no attribute at all)."""
    return AUTOCOMPLETE_DEFAULTS.get(attribute_name) or _INPUT_TYPE_AUTOCOMPLETE.get(input_type, "")


class ConfigurationRevision(models.Model):
    """One row whose number goes up with every change to the admin-configured form (fields, and anything else a
    page is built from). Every process compares it with the copy it holds (signup.revision), so a change by any path
    (admin, import, shell, another instance) shows on every instance's next request."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    revision = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("configuration revision")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="signup_configurationrevision_single_row")]

    def __str__(self) -> str:
        return f"revision {self.revision}"


class ConfigurationQuerySet(models.QuerySet[_Model]):
    """Bulk writes send no model signals, so they announce the change themselves."""

    def update(self, **kwargs: Any) -> int:
        from signup.revision import configuration_changed

        updated = super().update(**kwargs)
        configuration_changed()
        return updated

    def delete(self) -> tuple[int, dict[str, int]]:
        from signup.revision import configuration_changed

        deleted = super().delete()
        configuration_changed()
        return deleted

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[_Model]:
        from signup.revision import configuration_changed

        created = super().bulk_create(*args, **kwargs)
        configuration_changed()
        return created


class AttributeField(models.Model):
    InputType = InputType
    Destination = Destination

    attribute_name = models.CharField(
        _("attribute"),
        max_length=32,
        validators=[field_name_validator],
        help_text=_(
            "The Cognito attribute, e.g. email, given_name or custom:company. For ValidationData and ClientMetadata, "
            "the name your Lambda trigger reads."
        ),
    )
    label = models.CharField(_("label"), max_length=100)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    placeholder = models.CharField(_("placeholder"), max_length=100, blank=True)
    input_type = models.CharField(_("input type"), max_length=16, choices=InputType.choices, default=InputType.TEXT)
    required = models.BooleanField(_("required"), default=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Fields are shown in this order."))
    initial = models.CharField(
        _("initial value"),
        max_length=VALUE_MAX_LENGTH,
        blank=True,
        help_text=_("Pre-filled value. Checkboxes: true or false. Dates: YYYY-MM-DD."),
    )
    autocomplete = models.CharField(
        _("autocomplete"),
        max_length=64,
        blank=True,
        validators=[autocomplete_validator],
        help_text=_("HTML autocomplete token; empty picks the usual one for the attribute (email, given-name, tel…)."),
    )
    min_length = models.PositiveIntegerField(
        _("minimum length"), null=True, blank=True, validators=[MaxValueValidator(VALUE_MAX_LENGTH)]
    )
    max_length = models.PositiveIntegerField(
        _("maximum length"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(VALUE_MAX_LENGTH)],
    )
    regex = models.CharField(
        _("regular expression"),
        max_length=500,
        blank=True,
        help_text=_("RE2 syntax (no backreferences or lookaround; \\pL for letters); the whole value must match."),
    )
    regex_message = models.CharField(
        _("regular expression error message"),
        max_length=200,
        blank=True,
        help_text=_("Shown when the value does not match the regular expression."),
    )
    min_value = models.DecimalField(_("minimum number"), max_digits=20, decimal_places=6, null=True, blank=True)
    max_value = models.DecimalField(_("maximum number"), max_digits=20, decimal_places=6, null=True, blank=True)
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For select fields: a list of {"value": "...", "label": "..."} objects, in display order.'),
    )
    destination = models.CharField(
        _("destination"), max_length=16, choices=Destination.choices, default=Destination.USER_ATTRIBUTES
    )
    allowed_countries = models.CharField(
        _("allowed countries"),
        max_length=300,
        blank=True,
        validators=[allowed_countries_validator],
        help_text=_(
            "Phone fields: the regions whose numbers are accepted, e.g. GB, IE (empty: any). Numbers from anywhere "
            "else are refused before anything is sent, which also stops SMS pumping to expensive destinations."
        ),
    )
    phone_region = models.CharField(
        _("phone default region"),
        max_length=2,
        blank=True,
        validators=[phone_region_validator],
        help_text=_(
            "Region for phone numbers typed without +country code, e.g. GB. Empty: SIGNUP_PHONE_DEFAULT_REGION."
        ),
    )
    consent_version = models.CharField(
        _("consent version"),
        max_length=40,
        blank=True,
        validators=[consent_version_validator],
        help_text=_(
            "Consent fields: the version of the text people accept, e.g. 2026-01. Change it whenever the terms or "
            "the label change; each sign-up records the versions it accepted."
        ),
    )
    consent_terms_url = models.CharField(
        _("terms URL"),
        max_length=500,
        blank=True,
        help_text=_("Consent fields: where [text](terms) in the label links to (https://… or a path such as /terms)."),
    )
    consent_privacy_url = models.CharField(
        _("privacy notice URL"),
        max_length=500,
        blank=True,
        help_text=_("Consent fields: where [text](privacy) in the label links to."),
    )

    objects = ConfigurationQuerySet["AttributeField"].as_manager()

    class Meta:
        ordering = ("position", "id")
        verbose_name = _("attribute field")
        verbose_name_plural = _("attribute fields")
        constraints = [
            models.UniqueConstraint(fields=["attribute_name"], name="signup_attributefield_unique_attribute"),
            models.CheckConstraint(
                condition=models.Q(input_type__in=InputType.values),
                name="signup_attributefield_known_input_type",
            ),
            models.CheckConstraint(condition=~models.Q(label=""), name="signup_attributefield_label_not_empty"),
            models.CheckConstraint(
                condition=models.Q(destination__in=Destination.values),
                name="signup_attributefield_known_destination",
            ),
            models.CheckConstraint(
                condition=models.Q(min_length__isnull=True)
                | models.Q(max_length__isnull=True)
                | models.Q(min_length__lte=models.F("max_length")),
                name="signup_attributefield_min_length_lte_max_length",
                violation_error_message=_("The minimum length cannot be greater than the maximum length."),
            ),
            models.CheckConstraint(
                condition=models.Q(max_length__isnull=True) | models.Q(max_length__gte=1, max_length__lte=2048),
                name="signup_attributefield_max_length_range",
            ),
            models.CheckConstraint(
                condition=models.Q(min_length__isnull=True) | models.Q(min_length__lte=2048),
                name="signup_attributefield_min_length_range",
            ),
            models.CheckConstraint(
                condition=models.Q(min_value__isnull=True)
                | models.Q(max_value__isnull=True)
                | models.Q(min_value__lte=models.F("max_value")),
                name="signup_attributefield_min_value_lte_max_value",
                violation_error_message=_("The minimum number cannot be greater than the maximum number."),
            ),
            models.CheckConstraint(
                condition=~models.Q(regex="") | models.Q(regex_message=""),
                name="signup_attributefield_regex_message_needs_regex",
                violation_error_message=_("A regular expression error message needs a regular expression."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.attribute_name})"

    def clean(self) -> None:
        """Rules one row can check on its own (the pool's rules are in signup.field_rules)."""
        problems: dict[str, list[ValidationError]] = {}

        def problem(field: str, message: Any, code: str) -> None:
            problems.setdefault(field, []).append(ValidationError(message, code=code))

        self._clean_name(problem)
        if self.regex:
            self._clean_regex(problem)
        self._clean_options_for_type(problem)
        self._clean_phone(problem)
        if self.initial:
            self._clean_initial(problem)
        self._clean_consent(problem)
        if problems:
            raise ValidationError(problems)

    def _clean_name(self, problem: Problem) -> None:
        name = self.attribute_name or ""
        if not name:
            return  # a required field: its own "required" error says it
        if name.lower() in RESERVED_NAMES:
            problem("attribute_name", _("This name is used by the sign-up form itself."), "reserved_name")
        elif self.destination == Destination.USER_ATTRIBUTES:
            try:
                user_attribute_name_validator(name)
            except ValidationError as error:
                for item in error.error_list:
                    problem("attribute_name", item.message, item.code or "invalid_attribute_name")

    def _clean_regex(self, problem: Problem) -> None:
        # Matched by RE2 (linear time) on every sign-up: a pattern RE2 cannot compile is refused here, never run.
        if (message := linear_pattern_error(self.regex)) is not None:
            problem("regex", _("This pattern cannot be used: %(error)s") % {"error": message}, "regex")

    def _clean_options_for_type(self, problem: Problem) -> None:
        if self.input_type == InputType.SELECT:
            self._clean_choices(problem)
        elif self.choices:
            problem("choices", _("Only select fields have choices."), "choices_unused")
        if self.input_type == InputType.CONSENT and self.initial:
            problem("initial", _("A consent is never ticked in advance."), "consent_initial")
        if self.input_type not in TEXT_INPUT_TYPES:
            for field in ("min_length", "max_length", "regex"):
                if getattr(self, field) not in (None, ""):
                    problem(field, _("Only typed text fields have lengths and patterns."), "not_text")
        if self.input_type != InputType.NUMBER:
            for field in ("min_value", "max_value"):
                if getattr(self, field) is not None:
                    problem(field, _("Only number fields have a minimum and maximum number."), "not_number")

    def _clean_phone(self, problem: Problem) -> None:
        self.allowed_countries = ", ".join(region_codes(self.allowed_countries or ""))
        for field, value in (("phone_region", self.phone_region), ("allowed_countries", self.allowed_countries)):
            if not value:
                continue
            if not self._is_phone():
                problem(field, _("Only phone number fields have regions."), "not_phone")
            elif unknown := [code for code in region_codes(value) if code not in phonenumbers.SUPPORTED_REGIONS]:
                problem(
                    field,
                    _("Not a region phone numbers know: %(codes)s.") % {"codes": ", ".join(unknown)},
                    "invalid_region",
                )

    def _is_phone(self) -> bool:
        return self.input_type == InputType.TEL or self.attribute_name == "phone_number"

    def _clean_choices(self, problem: Problem) -> None:
        choices = self.choices
        if not isinstance(choices, list) or not choices:
            problem("choices", _('A select field needs a list of {"value": ..., "label": ...} choices.'), "choices")
            return
        values = []
        for choice in choices:
            if (
                not isinstance(choice, dict)
                or set(choice) != {"value", "label"}
                or not isinstance(choice["value"], str)
                or not isinstance(choice["label"], str)
                or not choice["value"]
                or not choice["label"]
                or len(choice["value"].encode("utf-8")) > VALUE_MAX_LENGTH
            ):
                problem(
                    "choices",
                    _('Each choice must be {"value": "...", "label": "..."} with non-empty strings.'),
                    "choices",
                )
                return
            values.append(choice["value"])
        if len(set(values)) != len(values):
            problem("choices", _("Each choice value can appear only once."), "choices_duplicate")

    def _clean_initial(self, problem: Problem) -> None:
        initial = self.initial
        if self.input_type == InputType.CHECKBOX and initial not in ("true", "false"):
            problem("initial", _("A checkbox's initial value is true or false."), "initial")
        elif self.input_type == InputType.SELECT and isinstance(self.choices, list):
            if initial not in {c.get("value") for c in self.choices if isinstance(c, dict)}:
                problem("initial", _("The initial value must be one of the choices' values."), "initial")
        elif self.input_type == InputType.DATE and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", initial):
            problem("initial", _("A date's initial value is written YYYY-MM-DD."), "initial")

    def _clean_consent(self, problem: Problem) -> None:
        consent = self.input_type == InputType.CONSENT
        if self.destination == Destination.NONE and not consent:
            problem("destination", _("Only consent fields can stay out of the Cognito request."), "not_consent")
        if not consent:
            for field in ("consent_version", "consent_terms_url", "consent_privacy_url"):
                if getattr(self, field):
                    problem(field, _("Only consent fields have a version and links."), "not_consent")
            return
        if not self.consent_version:
            problem("consent_version", _("A consent needs a version."), "consent_version_missing")
        linked = {kind for _text, kind in CONSENT_LINK.findall(self.label or "")}
        for kind, field in (("terms", "consent_terms_url"), ("privacy", "consent_privacy_url")):
            url = getattr(self, field)
            if url and not consent_url_allowed(url):
                problem(field, _("Use an https:// or http:// address, or a path on this site such as /terms."), "url")
            elif kind in linked and not url:
                problem(field, _("The label links to [text](%(kind)s): set this address.") % {"kind": kind}, "url")


def translation_languages() -> list[tuple[str, str]]:
    """The languages a field's texts can be given in: every shipped language but the default, whose texts are the
    field's own. A callable, so a change to LANGUAGES needs no migration."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class AttributeFieldTranslation(models.Model):
    """A field's label, help text and placeholder in one language; an empty text falls back to the field's own."""

    TEXTS = ("label", "help_text", "placeholder")

    field = models.ForeignKey(
        AttributeField, on_delete=models.CASCADE, related_name="translations", verbose_name=_("attribute field")
    )
    language = models.CharField(_("language"), max_length=16, choices=translation_languages)
    label = models.CharField(_("label"), max_length=100, blank=True)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    placeholder = models.CharField(_("placeholder"), max_length=100, blank=True)

    objects = ConfigurationQuerySet["AttributeFieldTranslation"].as_manager()

    class Meta:
        ordering = ("language",)
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(fields=["field", "language"], name="signup_attributefieldtranslation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.label or self.field_id}"

    def clean(self) -> None:
        if not any(getattr(self, text) for text in self.TEXTS):
            raise ValidationError(
                _("Give at least one of the label, help text and placeholder in this language."),
                code="empty_translation",
            )


def consent_url_allowed(url: str) -> bool:
    """http(s) addresses and paths on this site only: never javascript:, data: or a protocol-relative //host."""
    if url.startswith("/"):
        return not url.startswith("//") and "\\" not in url and not any(ch.isspace() for ch in url)
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True


class SignUpRecord(models.Model):
    """One registration that Cognito accepted: when, how the code went, which consents, how it ended.

    No username, e-mail address, phone number or IP address: `user_sub` (Cognito's own id for the user) is the only
    link to the person, and it leads only to Cognito, where the account itself lives. Written by signup.records (one
    INSERT on SignUp, one UPDATE on confirmation), read by the admin's "Sign-ups" page, removed only by
    `manage.py purgesignups`.
    """

    user_sub = models.CharField(_("user sub"), max_length=64, db_index=True)
    created_at = models.DateTimeField(_("registered at"), db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, db_index=True)
    delivery_medium = models.CharField(_("code sent by"), max_length=8, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    risk_data = models.BooleanField(_("risk data came"), default=False)
    consent_versions = models.JSONField(_("consents accepted"), default=dict, blank=True)
    outcome_codes = models.JSONField(_("outcome codes"), default=list, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("sign-up record")
        verbose_name_plural = _("sign-up records")

    def __str__(self) -> str:
        return f"{self.user_sub} ({self.created_at:%Y-%m-%d %H:%M})"
