"""The sign-up, confirm and resume forms. They validate and normalise; they never call the network.

Everything Cognito would reject that we can know locally is caught here, so the user sees the message next to the
field and keeps what they typed (the password is never rendered back).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import phonenumbers
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.validators import EmailValidator, URLValidator
from django.utils import translation
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from signup.models import default_autocomplete
from signup.password_policy import PasswordPolicy
from signup.selectors import FieldSpec
from signup.validators import CognitoPasswordPolicyValidator

USERNAME_MAX_LENGTH = 128
PASSWORD_MAX_LENGTH = 256
ATTRIBUTE_MAX_BYTES = 2048
NUMBER_MAX_DIGITS = 30
NUMBER_MAX_DECIMAL_PLACES = 10
ENCODED_DATA_MAX_LENGTH = 131072
ANALYTICS_ENDPOINT_ID = re.compile(r"^[A-Za-z0-9-]{1,256}\Z")
CONFIRMATION_CODE = re.compile(r"^[0-9]{6}\Z")  # Cognito sends six digits
# The sign-up page's honeypot input (templates/signup/signup.html): hidden from people, filled by naive bots. Not a
# form field, so it never reaches cleaned data; not a Cognito standard attribute name, so it cannot collide.
HONEYPOT_FIELD = "homepage"

# Labels and help texts of the fields the portal ships with: admin-entered texts are shown through gettext, so
# these (and any a deployment adds to its catalogue) appear in the user's language.
DEFAULT_FIELD_TEXTS = (gettext_noop("Email address"),)

# Cognito's Username pattern is [\p{L}\p{M}\p{S}\p{N}\p{P}]+: letters, marks, symbols, numbers, punctuation.
_USERNAME_CATEGORIES = frozenset("LMSNP")


class _PasswordHolder:
    """Stands in for a user so UserAttributeSimilarityValidator can compare the password with what was typed."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update({key.replace(":", "_"): value for key, value in values.items() if isinstance(value, str)})


class AttributeCharField(forms.CharField):
    """A text attribute: Cognito stores at most 2048 bytes of UTF-8."""

    default_error_messages = {
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


@deconstructible
class FullMatchValidator:
    """The admin's regular expression: the whole value must match (as HTML's pattern attribute does)."""

    def __init__(self, regex: str, message: str = "") -> None:
        self.regex = regex
        self.message = message or _("Enter a value in the expected format.")
        self.code = "pattern"

    def __call__(self, value: str) -> None:
        try:
            matched = re.fullmatch(self.regex, value) is not None
        except re.error:  # validated when saved; a broken pattern must not take the form down
            return
        if not matched:
            raise forms.ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FullMatchValidator) and (self.regex, self.message) == (other.regex, other.message)


class TelInput(forms.TextInput):
    input_type = "tel"


class PhoneNumberField(AttributeCharField):
    """A phone number, normalised to E.164 (+447400123456) as Cognito requires."""

    default_error_messages = {"invalid_phone": _("Enter a valid phone number, e.g. +44 7400 123456.")}

    def __init__(self, *, region: str = "", **kwargs: Any) -> None:
        self.region = region or None
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
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class AttributeDateField(forms.DateField):
    """A date, sent as YYYY-MM-DD (Cognito's birthdate format)."""

    input_formats = ["%Y-%m-%d"]
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def clean(self, value: Any) -> str:
        cleaned = super().clean(value)
        return cleaned.isoformat() if cleaned else ""


class AttributeNumberField(forms.DecimalField):
    """A number, sent as its plain decimal string (no exponent, no trailing zeros).

    Digits are bounded so that "1e999999999" is refused rather than expanded into a gigabyte of zeros.
    """

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

    def clean(self, value: Any) -> str:
        return "true" if super().clean(value) else "false"


def attribute_form_field(spec: FieldSpec) -> forms.Field:
    """Build the form field for one configured attribute."""
    attrs: dict[str, str] = {}
    if spec.placeholder:
        attrs["placeholder"] = spec.placeholder
    if autocomplete := spec.autocomplete or default_autocomplete(spec.attribute_name, spec.input_type):
        attrs["autocomplete"] = autocomplete
    # Admin-entered texts go through gettext: the shipped defaults (DEFAULT_FIELD_TEXTS) and any a deployment adds to
    # its catalogue appear in the user's language.
    common: dict[str, Any] = {
        "label": _(spec.label),
        "help_text": _(spec.help_text) if spec.help_text else "",
        "required": spec.required,
    }
    if spec.initial:
        common["initial"] = spec.initial
    text: dict[str, Any] = {"min_length": spec.min_length, "max_length": spec.max_length}
    if spec.regex:
        text["validators"] = [FullMatchValidator(spec.regex, spec.regex_message)]

    input_type = spec.input_type
    if spec.attribute_name == "email" and input_type == "text":
        input_type = "email"
    if spec.attribute_name == "phone_number" and input_type == "text":
        input_type = "tel"

    field: forms.Field
    if input_type == "email":
        text["validators"] = [*text.get("validators", []), EmailValidator(message=_("Enter a valid email address."))]
        field = AttributeCharField(widget=forms.EmailInput(attrs=attrs), **text, **common)
    elif input_type == "tel":
        region = spec.phone_region or settings.SIGNUP_PHONE_DEFAULT_REGION
        field = PhoneNumberField(region=region, widget=TelInput(attrs=attrs), **text, **common)
    elif input_type == "url":
        validators = [*text.pop("validators", []), URLValidator(schemes=["http", "https"])]
        field = AttributeCharField(widget=forms.URLInput(attrs=attrs), validators=validators, **text, **common)
    elif input_type == "textarea":
        field = AttributeCharField(widget=forms.Textarea(attrs={"rows": 3, **attrs}), **text, **common)
    elif input_type == "date":
        field = AttributeDateField(widget=forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d"), **common)
    elif input_type == "number":
        field = AttributeNumberField(
            min_value=Decimal(spec.min_value) if spec.min_value is not None else None,
            max_value=Decimal(spec.max_value) if spec.max_value is not None else None,
            widget=forms.NumberInput(attrs={"step": "any", **attrs}),
            **common,
        )
    elif input_type == "select":
        attrs.pop("placeholder", None)
        field = forms.ChoiceField(
            choices=[("", _("Choose…")), *spec.choices], widget=forms.Select(attrs=attrs), **common
        )
    elif input_type == "checkbox":
        attrs.pop("placeholder", None)
        attrs.pop("autocomplete", None)
        if spec.initial:
            common["initial"] = spec.initial == "true"
        field = AttributeBooleanField(widget=forms.CheckboxInput(attrs=attrs), **common)
    else:
        field = AttributeCharField(widget=forms.TextInput(attrs=attrs), **text, **common)
    field.attribute_name = spec.attribute_name  # type: ignore[attr-defined]
    field.destination = spec.destination  # type: ignore[attr-defined]
    return field


def encoded_data_field() -> forms.CharField:
    """Filled in the browser at submit time by Cognito's risk script (empty when it did not run)."""
    return forms.CharField(required=False, max_length=ENCODED_DATA_MAX_LENGTH, widget=forms.HiddenInput)


class SignUpForm(forms.Form):
    error_messages = {
        "username_whitespace": _("A username cannot contain spaces."),
        "username_characters": _("A username can contain letters, numbers, symbols and punctuation only."),
        "password_too_long": _("A password can have at most %(limit)d characters."),
        "password_mismatch": _("The two passwords are not the same. Type them again."),
    }

    username = forms.CharField(
        label=_("Username"),
        max_length=USERNAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
    )
    # strip=False: the password reaches Cognito exactly as typed. No max_length on the widget, so a paste of a long
    # password is not silently truncated by the browser; the limit is checked below with a clear message.
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    encoded_data = encoded_data_field()
    # An Amazon Pinpoint endpoint id the page may supply.
    analytics_endpoint_id = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        fields: Iterable[FieldSpec] = (),
        password_policy: PasswordPolicy | None = None,
        confirm_password: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields = tuple(fields)
        self.password_policy = password_policy or PasswordPolicy.from_settings()
        self._configuration = (fields, self.password_policy, confirm_password)
        # The checklist of the policy's rules follows this text (templates/signup/_password_field.html).
        self.fields["password"].help_text = _("Your password needs:")
        if confirm_password:
            # Not labelled "... password": the "Password" label must stay unique for people and for tests.
            self.fields["password_again"] = forms.CharField(
                label=_("Type it again"),
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            )
        self.attribute_names: list[str] = []
        self.destinations: dict[str, str] = {}
        for spec in fields:
            if spec.attribute_name in self.fields:  # configuration can never shadow username/password
                continue
            self.fields[spec.attribute_name] = attribute_form_field(spec)
            self.attribute_names.append(spec.attribute_name)
            self.destinations[spec.attribute_name] = spec.destination
        self.order_fields(["username", "password", "password_again", *self.attribute_names])

    def fingerprint(self) -> str:
        """What the empty form renders as depends only on this: same fingerprint, same HTML (a cache key)."""
        configuration = repr((self._configuration, translation.get_language()))
        return hashlib.sha256(configuration.encode("utf-8")).hexdigest()

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if any(char.isspace() for char in username):
            raise forms.ValidationError(self.error_messages["username_whitespace"], code="username_whitespace")
        if any(unicodedata.category(char)[0] not in _USERNAME_CATEGORIES for char in username):
            raise forms.ValidationError(self.error_messages["username_characters"], code="username_characters")
        return username

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if len(password) > PASSWORD_MAX_LENGTH:
            raise forms.ValidationError(
                self.error_messages["password_too_long"],
                code="password_too_long",
                params={"limit": PASSWORD_MAX_LENGTH},
            )
        return password

    def clean_analytics_endpoint_id(self) -> str:
        # A hidden field the user cannot fix: an invalid value is dropped rather than shown as an error.
        value = self.cleaned_data.get("analytics_endpoint_id", "").strip()
        return value if ANALYTICS_ENDPOINT_ID.match(value) else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        typed_twice = "password_again" in self.fields and "password_again" not in self._errors
        if (
            typed_twice
            and cleaned.get("password") is not None
            and cleaned.get("password") != cleaned.get("password_again")
        ):
            self.add_error(
                "password_again",
                forms.ValidationError(self.error_messages["password_mismatch"], code="password_mismatch"),
            )
        return cleaned

    def password_validators(self) -> list[Any]:
        """AUTH_PASSWORD_VALIDATORS, with the pool's policy (resolved by the view) in the Cognito validator."""
        return [
            validator.with_policy(self.password_policy)
            if isinstance(validator, CognitoPasswordPolicyValidator)
            else validator
            for validator in password_validation.get_default_password_validators()
        ]

    def _post_clean(self) -> None:
        super()._post_clean()
        password = self.cleaned_data.get("password")
        if password and "password" not in self._errors:
            try:
                password_validation.validate_password(
                    password, _PasswordHolder(self.cleaned_data), password_validators=self.password_validators()
                )
            except forms.ValidationError as error:
                self.add_error("password", error)

    def _values_for(self, destination: str) -> list[tuple[str, str]]:
        # Only configured fields: a posted extra key (custom:role, email_verified) never gets this far.
        values = []
        for name in self.attribute_names:
            if self.destinations.get(name, "user_attributes") != destination:
                continue
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                values.append((name, str(value)))
        return values

    def attribute_values(self) -> list[tuple[str, str]]:
        """(name, value) pairs for UserAttributes: the configured attributes that were filled in, in form order."""
        return self._values_for("user_attributes")

    def validation_data(self) -> list[tuple[str, str]]:
        """(name, value) pairs for ValidationData (read by a pre sign-up Lambda, not stored)."""
        return self._values_for("validation_data")

    def client_metadata(self) -> dict[str, str]:
        """ClientMetadata for the Lambda triggers (not stored)."""
        return dict(self._values_for("client_metadata"))


class ConfirmForm(forms.Form):
    error_messages = {"code_format": _("Enter the 6-digit code we sent you.")}

    code = forms.CharField(
        label=_("Confirmation code"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "none"}
        ),
    )
    encoded_data = encoded_data_field()

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])  # people paste "123 456" or "123-456"
        if not CONFIRMATION_CODE.match(code):
            raise forms.ValidationError(self.error_messages["code_format"], code="code_format")
        return code


class ResumeForm(forms.Form):
    """Ask for a new code for an account that was registered but never confirmed."""

    username = SignUpForm.base_fields["username"]
    encoded_data = encoded_data_field()
    clean_username = SignUpForm.clean_username
    error_messages = SignUpForm.error_messages


class ResendForm(forms.Form):
    """The resend button's form: only the browser's risk data (the username comes from the session)."""

    encoded_data = encoded_data_field()
