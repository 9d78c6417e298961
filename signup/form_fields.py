"""The form fields of admin-configured attributes: one small builder per input type, in a table, and the fields'
messages in the portal's own voice. Validation and normalisation only: nothing here calls the network.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import phonenumbers
from django import forms
from django.conf import settings
from django.core.validators import EmailValidator, URLValidator
from django.utils import translation
from django.utils.functional import keep_lazy, keep_lazy_text
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from signup.models import CONSENT_LINK, InputType, default_autocomplete
from signup.selectors import FieldSpec
from signup.validators import FullMatchValidator

ATTRIBUTE_MAX_BYTES = 2048
NUMBER_MAX_DIGITS = 30
NUMBER_MAX_DECIMAL_PLACES = 10

#: Django's stock messages ("This field is required.", "Ensure this value has at most ...") in the portal's voice.
MESSAGES: dict[str, Any] = {
    "required": _("Please fill this in."),
    "max_length": _("This is too long: use at most %(limit_value)d characters (this has %(show_value)d)."),
    "min_length": _("This is too short: use at least %(limit_value)d characters (this has %(show_value)d)."),
    "invalid_choice": _("Choose one of the options."),
    "max_value": _("Enter %(limit_value)s or less."),
    "min_value": _("Enter %(limit_value)s or more."),
    "max_digits": _("Enter a shorter number."),
    "max_decimal_places": _("Enter a number with fewer decimal places."),
    "max_whole_digits": _("Enter a shorter number."),
}
CHECKBOX_MESSAGES = {**MESSAGES, "required": _("Tick this box to continue.")}
SELECT_MESSAGES = {**MESSAGES, "required": _("Choose one of the options.")}


class DeclaredCharField(forms.CharField):
    """A text field declared on a form class, with a plain input widget, which every form instance copies.

    The copy is the one Django's Field.__deepcopy__ and Widget.__deepcopy__ make (the field and its widget with their
    own attrs, error messages and validators; the rest shared), without `copy.copy`'s generic protocol: the four
    declared fields' copies were 1 % of a sign-up's CPU (docs/benchmarks.md, the thirteenth pass). Only for widgets
    that keep nothing else mutable (inputs, not choice widgets).
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> DeclaredCharField:
        result = _shallow_copy(self)
        memo[id(self)] = result
        result.widget = widget = _shallow_copy(self.widget)
        widget.attrs = self.widget.attrs.copy()
        memo[id(self.widget)] = widget
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result


def _shallow_copy(instance: Any) -> Any:
    copied = object.__new__(type(instance))
    copied.__dict__.update(instance.__dict__)
    return copied


class AttributeCharField(forms.CharField):
    """A text attribute: Cognito stores at most 2048 bytes of UTF-8."""

    default_error_messages = {
        **MESSAGES,
        "too_long": _("This is too long (at most %(limit)d bytes; it has %(length)d)."),
        "control_characters": _("This contains characters that are not allowed."),
    }

    def validate(self, value: str) -> None:
        super().validate(value)
        length = len(value.encode("utf-8"))
        if length > ATTRIBUTE_MAX_BYTES:
            raise forms.ValidationError(
                self.error_messages["too_long"],
                code="too_long",
                params={"limit": ATTRIBUTE_MAX_BYTES, "length": length},
            )
        if any(unicodedata.category(char) == "Cc" and char not in "\n\t" for char in value):
            raise forms.ValidationError(self.error_messages["control_characters"], code="control_characters")


class TelInput(forms.TextInput):
    input_type = "tel"


class PhoneNumberField(AttributeCharField):
    """A phone number, normalised to E.164 (+447400123456) as Cognito requires, from the allowed countries only."""

    default_error_messages = {
        "invalid_phone": _("Enter a valid phone number, e.g. +44 7400 123456."),
        "country_not_allowed": _("We cannot send codes to phone numbers in this country. Use another number."),
    }

    def __init__(self, *, region: str = "", allowed: tuple[str, ...] = (), **kwargs: Any) -> None:
        self.region = region or None
        self.allowed = frozenset(allowed)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        try:
            number = phonenumbers.parse(value, self.region)
        except phonenumbers.NumberParseException:
            raise forms.ValidationError(self.error_messages["invalid_phone"], code="invalid_phone") from None
        if not phonenumbers.is_valid_number(number):
            raise forms.ValidationError(self.error_messages["invalid_phone"], code="invalid_phone")
        if self.allowed and phonenumbers.region_code_for_number(number) not in self.allowed:
            raise forms.ValidationError(self.error_messages["country_not_allowed"], code="country_not_allowed")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class AttributeDateField(forms.DateField):
    """A date, sent as YYYY-MM-DD (Cognito's birthdate format)."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {**MESSAGES, "invalid": _("Enter a date as year-month-day, e.g. 1990-01-31.")}

    def clean(self, value: Any) -> str:
        cleaned = super().clean(value)
        return cleaned.isoformat() if cleaned else ""


class AttributeNumberField(forms.DecimalField):
    """A number, sent as its plain decimal string (no exponent, no trailing zeros).

    Digits are bounded so that "1e999999999" is refused rather than expanded into a gigabyte of zeros.
    """

    default_error_messages = {**MESSAGES, "invalid": _("Enter a number.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=NUMBER_MAX_DIGITS, decimal_places=NUMBER_MAX_DECIMAL_PLACES, **kwargs)

    def clean(self, value: Any) -> str:
        cleaned = super().clean(value)
        if cleaned is None:
            return ""
        text = format(cleaned.normalize(), "f")
        return "0" if text in ("-0", "") else text


class AttributeBooleanField(forms.BooleanField):
    """A checkbox, sent as "true" or "false"; when required it must be ticked (e.g. accepting terms)."""

    default_error_messages = CHECKBOX_MESSAGES

    def clean(self, value: Any) -> str:
        return "true" if super().clean(value) else "false"


class ConsentField(forms.BooleanField):
    """A consent checkbox: its value is the consent's version when ticked, "" when not (so nothing is sent)."""

    default_error_messages = CHECKBOX_MESSAGES

    def __init__(self, *, version: str, **kwargs: Any) -> None:
        self.version = version
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        return self.version if super().clean(value) else ""


@keep_lazy(SafeString)
def consent_label_html(label: str, terms_url: str, privacy_url: str) -> SafeString:
    """The label as HTML: [text](terms) and [text](privacy) become links to the configured addresses, everything
    else (the text and the addresses) is escaped. Links open in the same tab, like every other link of the form."""
    label, urls = str(label), {"terms": terms_url, "privacy": privacy_url}
    parts: list[str] = []
    last = 0
    for match in CONSENT_LINK.finditer(str(label)):
        parts.append(escape(label[last : match.start()]))
        text, url = escape(match.group(1)), urls[match.group(2)]
        parts.append(f'<a href="{escape(url)}">{text}</a>' if url else text)
        last = match.end()
    parts.append(escape(label[last:]))
    return mark_safe("".join(parts))  # noqa: S308 (every piece above is escaped)


@keep_lazy_text
def consent_label_text(label: str) -> str:
    """The label without its link markers: for places where a link cannot go (the error summary is a list of links)."""
    return CONSENT_LINK.sub(lambda match: match.group(1), str(label))


@dataclass(frozen=True)
class _Parts:
    """What every builder gets: the spec, the widget attributes and the arguments every field takes."""

    spec: FieldSpec
    attrs: dict[str, str]
    common: dict[str, Any]

    def text(self) -> dict[str, Any]:
        text: dict[str, Any] = {"min_length": self.spec.min_length, "max_length": self.spec.max_length}
        validators: list[Any] = []
        if self.spec.regex:
            validators.append(FullMatchValidator(self.spec.regex, self.spec.regex_message))
        return {**text, "validators": validators, **self.common}


def _text(parts: _Parts) -> forms.Field:
    return AttributeCharField(widget=forms.TextInput(attrs=parts.attrs), **parts.text())


def _email(parts: _Parts) -> forms.Field:
    text = parts.text()
    text["validators"].append(EmailValidator(message=_("Enter a valid email address, e.g. name@example.com.")))
    # Addresses and numbers read left to right inside right-to-left pages too.
    return AttributeCharField(widget=forms.EmailInput(attrs={**parts.attrs, "dir": "ltr"}), **text)


def _tel(parts: _Parts) -> forms.Field:
    region = parts.spec.phone_region or settings.SIGNUP_PHONE_DEFAULT_REGION
    widget = TelInput(attrs={**parts.attrs, "dir": "ltr"})
    return PhoneNumberField(region=region, allowed=parts.spec.allowed_countries, widget=widget, **parts.text())


def _url(parts: _Parts) -> forms.Field:
    text = parts.text()
    text["validators"].append(
        URLValidator(schemes=["http", "https"], message=_("Enter a web address, e.g. https://example.com."))
    )
    return AttributeCharField(widget=forms.URLInput(attrs=parts.attrs), **text)


def _textarea(parts: _Parts) -> forms.Field:
    return AttributeCharField(widget=forms.Textarea(attrs={"rows": "3", **parts.attrs}), **parts.text())


def _date(parts: _Parts) -> forms.Field:
    widget = forms.DateInput(attrs={"type": "date", **parts.attrs}, format="%Y-%m-%d")
    return AttributeDateField(widget=widget, **parts.common)


def _limit(value: Any) -> Decimal | None:
    """A configured bound as people write it: the database keeps six decimal places ("18.000000"), messages say 18."""
    if value is None:
        return None
    return Decimal(format(Decimal(value).normalize(), "f"))


def _number(parts: _Parts) -> forms.Field:
    spec = parts.spec
    return AttributeNumberField(
        min_value=_limit(spec.min_value),
        max_value=_limit(spec.max_value),
        widget=forms.NumberInput(attrs={"step": "any", **parts.attrs}),
        **parts.common,
    )


def _select(parts: _Parts) -> forms.Field:
    attrs = {key: value for key, value in parts.attrs.items() if key != "placeholder"}
    choices = [("", _("Choose…")), *parts.spec.choices]
    return forms.ChoiceField(
        choices=choices, widget=forms.Select(attrs=attrs), error_messages=SELECT_MESSAGES, **parts.common
    )


def _checkbox(parts: _Parts) -> forms.Field:
    attrs = {key: value for key, value in parts.attrs.items() if key not in ("placeholder", "autocomplete")}
    common = {**parts.common, "initial": parts.spec.initial == "true"} if parts.spec.initial else parts.common
    return AttributeBooleanField(widget=forms.CheckboxInput(attrs=attrs), **common)


def _consent(parts: _Parts) -> forms.Field:
    spec, label = parts.spec, parts.common["label"]
    common = {**parts.common, "label": consent_label_html(label, spec.consent_terms_url, spec.consent_privacy_url)}
    field = ConsentField(version=spec.consent_version, widget=forms.CheckboxInput(), **common)
    field.plain_label = consent_label_text(label)  # type: ignore[attr-defined]
    return field


_BUILDERS: dict[str, Callable[[_Parts], forms.Field]] = {
    InputType.TEXT: _text,
    InputType.EMAIL: _email,
    InputType.TEL: _tel,
    InputType.URL: _url,
    InputType.TEXTAREA: _textarea,
    InputType.DATE: _date,
    InputType.NUMBER: _number,
    InputType.SELECT: _select,
    InputType.CHECKBOX: _checkbox,
    InputType.CONSENT: _consent,
}
# Plain text fields for the contact attributes get the input type that fits them.
_IMPLIED_TYPES: dict[tuple[str, str], str] = {
    ("email", InputType.TEXT): InputType.EMAIL,
    ("phone_number", InputType.TEXT): InputType.TEL,
}


def attribute_form_field(spec: FieldSpec) -> forms.Field:
    """Build the form field for one configured attribute."""
    texts = spec.texts_in(translation.get_language())
    attrs: dict[str, str] = {}
    if placeholder := texts.placeholder or spec.placeholder:
        attrs["placeholder"] = placeholder
    if autocomplete := spec.autocomplete or default_autocomplete(spec.attribute_name, spec.input_type):
        attrs["autocomplete"] = autocomplete
    # A text the admin gave in this language is shown as given. Otherwise the default language's text goes through
    # gettext, so the standard labels and any text a deployment adds to its catalogue still appear translated.
    common: dict[str, Any] = {
        "label": texts.label or _(spec.label),
        "help_text": texts.help_text or (_(spec.help_text) if spec.help_text else ""),
        "required": spec.required,
    }
    if spec.initial:
        common["initial"] = spec.initial
    input_type = _IMPLIED_TYPES.get((spec.attribute_name, spec.input_type), spec.input_type)
    field = _BUILDERS.get(input_type, _text)(_Parts(spec, attrs, common))
    field.attribute_name = spec.attribute_name  # type: ignore[attr-defined]
    field.destination = spec.destination  # type: ignore[attr-defined]
    return field
