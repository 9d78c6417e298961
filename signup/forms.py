"""The sign-up, confirm, resume and change-address forms. They validate and normalise; they never call the network.

Everything Cognito would reject that we can know locally is caught here, so the user sees the message next to the
field and keeps what they typed (the password is never rendered back).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from signup.cognito import SignUpRequest
from signup.form_fields import MESSAGES, ConsentField, DeclaredCharField, attribute_form_field
from signup.password_policy import PasswordPolicy
from signup.selectors import FieldSpec
from signup.validators import CognitoPasswordPolicyValidator

USERNAME_MAX_LENGTH = 128
PASSWORD_MAX_LENGTH = 256
ENCODED_DATA_MAX_LENGTH = 131072
ANALYTICS_ENDPOINT_ID = re.compile(r"^[A-Za-z0-9-]{1,256}\Z")
CONFIRMATION_CODE = re.compile(r"^[0-9]{6}\Z")  # Cognito sends six digits
# The sign-up page's honeypot input (templates/signup/signup.html): hidden from people, filled by naive bots. Not a
# form field, so it never reaches cleaned data; not a Cognito standard attribute name, so it cannot collide.
HONEYPOT_FIELD = "homepage"
PASSWORD_MODES = ("required", "optional", "none")

# Cognito's Username pattern is [\p{L}\p{M}\p{S}\p{N}\p{P}]+: letters, marks, symbols, numbers, punctuation.
_USERNAME_CATEGORIES = frozenset("LMSNP")


class _PasswordHolder:
    """Stands in for a user so UserAttributeSimilarityValidator can compare the password with what was typed."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update({key.replace(":", "_"): value for key, value in values.items() if isinstance(value, str)})


def encoded_data_field() -> forms.CharField:
    """Filled in the browser at submit time by Cognito's risk script (empty when it did not run)."""
    return DeclaredCharField(required=False, max_length=ENCODED_DATA_MAX_LENGTH, widget=forms.HiddenInput)


def username_field() -> forms.CharField:
    return DeclaredCharField(
        label=_("Username"),
        max_length=USERNAME_MAX_LENGTH,
        error_messages={**MESSAGES, "required": _("Enter a username.")},
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
    )


def password_field(label: Any, *, required: bool = True) -> forms.CharField:
    # strip=False: the password reaches Cognito exactly as typed. No max_length on the widget, so a paste of a long
    # password is not silently truncated by the browser; the limit is checked in clean with a clear message.
    return DeclaredCharField(
        label=label,
        strip=False,
        required=required,
        error_messages={**MESSAGES, "required": _("Enter a password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class UsernameMixin:
    """The username rules shared by the sign-up and resume forms."""

    username_errors = {
        "username_whitespace": _("A username cannot contain spaces."),
        "username_characters": _("A username can contain letters, numbers, symbols and punctuation only."),
    }
    cleaned_data: dict[str, Any]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if any(char.isspace() for char in username):
            raise forms.ValidationError(self.username_errors["username_whitespace"], code="username_whitespace")
        if any(unicodedata.category(char)[0] not in _USERNAME_CATEGORIES for char in username):
            raise forms.ValidationError(self.username_errors["username_characters"], code="username_characters")
        return username


class SignUpForm(UsernameMixin, forms.Form):
    error_messages = {
        "password_too_long": _("A password can have at most %(limit)d characters."),
        "password_mismatch": _("The two passwords are not the same. Type them again."),
    }

    username = username_field()
    password = password_field(_("Password"))
    encoded_data = encoded_data_field()
    # An Amazon Pinpoint endpoint id the page may supply.
    analytics_endpoint_id = DeclaredCharField(required=False, max_length=300, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        fields: Iterable[FieldSpec] = (),
        password_policy: PasswordPolicy | None = None,
        confirm_password: bool = False,
        password_mode: str = "required",  # noqa: S107 (a mode, not a password)
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields = tuple(fields)
        self.password_policy = password_policy or PasswordPolicy.from_settings()
        self.password_mode = password_mode
        self._set_up_password(confirm_password)
        self.attribute_names: list[str] = []
        self.destinations: dict[str, str] = {}
        for spec in fields:
            if spec.attribute_name in self.fields:  # configuration can never shadow username/password
                continue
            self.fields[spec.attribute_name] = attribute_form_field(spec)
            self.attribute_names.append(spec.attribute_name)
            self.destinations[spec.attribute_name] = spec.destination
        self.order_fields(["username", "password", "password_again", *self.attribute_names])

    def _set_up_password(self, confirm_password: bool) -> None:
        if self.password_mode == "none":
            del self.fields["password"]  # passwordless: no Password control and no Password in SignUp
            return
        password = self.fields["password"]
        password.required = self.password_mode == "required"
        # The checklist of the policy's rules follows this text (templates/signup/_password_field.html).
        password.help_text = _("Your password needs:")
        if confirm_password:
            # Not labelled "... password": the "Password" label must stay unique for people and for tests.
            self.fields["password_again"] = password_field(_("Type it again"), required=password.required)

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
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

    @sensitive_variables("cleaned", "password")
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        typed_twice = "password_again" in self.fields and not self.has_error("password_again")
        if typed_twice and password is not None and password != cleaned.get("password_again"):
            self.add_error(
                "password_again",
                forms.ValidationError(self.error_messages["password_mismatch"], code="password_mismatch"),
            )
        if password and not self.has_error("password"):
            # Last, so similarity checks see every other value the person typed.
            try:
                password_validation.validate_password(
                    password,
                    _PasswordHolder(cleaned),  # type: ignore[arg-type]  # duck-typed like a user, as allauth does
                    password_validators=self.password_validators(),
                )
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned

    def password_validators(self) -> list[Any]:
        """AUTH_PASSWORD_VALIDATORS, with the pool's policy (resolved by the view) in the Cognito validator."""
        return [
            validator.with_policy(self.password_policy)
            if isinstance(validator, CognitoPasswordPolicyValidator)
            else validator
            for validator in password_validation.get_default_password_validators()
        ]

    def password_value(self) -> str | None:
        """The password to send: None (no `Password` at all) when passwordless or left empty where optional."""
        password = self.cleaned_data.get("password") if "password" in self.fields else None
        return password or None

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

    def consent_versions(self) -> dict[str, str]:
        """The consents ticked, as {field name: version}, for the sign-up record (whatever their destination)."""
        return {
            name: self.cleaned_data[name]
            for name in self.attribute_names
            if isinstance(self.fields[name], ConsentField) and self.cleaned_data.get(name)
        }

    @sensitive_variables("data")
    def sign_up_request(self) -> SignUpRequest:
        """What a valid form asks SignUp for (the view sends it; the admin preview shows it, redacted)."""
        data = self.cleaned_data
        return SignUpRequest(
            username=data["username"],
            password=self.password_value(),
            user_attributes=tuple(self.attribute_values()),
            validation_data=tuple(self.validation_data()),
            client_metadata=tuple(self.client_metadata().items()),
        )


class ConfirmForm(forms.Form):
    error_messages = {"code_format": _("Enter the 6-digit code we sent you.")}

    code = forms.CharField(
        label=_("Confirmation code"),
        max_length=10,
        error_messages={**MESSAGES, "required": _("Enter the 6-digit code we sent you.")},
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


class ResumeForm(UsernameMixin, forms.Form):
    """Ask for a new code for an account that was registered but never confirmed."""

    username = username_field()
    encoded_data = encoded_data_field()


class ResendForm(forms.Form):
    """The resend button's form: only the browser's risk data (the username comes from the session)."""

    encoded_data = encoded_data_field()


class ChangeAddressForm(forms.Form):
    """A corrected email address or phone number for the code step, validated as the configured field is."""

    encoded_data = encoded_data_field()

    def __init__(self, *args: Any, spec: FieldSpec | None = None, attribute: str = "email", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if spec is None:
            spec = FieldSpec(attribute_name=attribute, label="", help_text="", input_type="text", required=True)
        field = attribute_form_field(spec)
        field.required = True
        field.label = _("New phone number") if attribute == "phone_number" else _("New email address")
        field.help_text = ""
        self.fields["address"] = field
        self.order_fields(["address"])
