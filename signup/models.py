"""The admin-configured attribute fields of the sign-up form."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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

attribute_name_validator = RegexValidator(
    regex=r"^(?:(?:" + "|".join(STANDARD_ATTRIBUTES) + r")|custom:[A-Za-z0-9_\-]{1,20})\Z",
    message=_("Use a standard Cognito attribute (such as email) or custom:<name> with at most 20 characters."),
    code="invalid_attribute_name",
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


class AttributeField(models.Model):
    InputType = InputType

    attribute_name = models.CharField(
        _("attribute"),
        max_length=32,
        validators=[attribute_name_validator],
        help_text=_("The Cognito attribute, e.g. email, given_name or custom:company."),
    )
    label = models.CharField(_("label"), max_length=100)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    input_type = models.CharField(_("input type"), max_length=16, choices=InputType.choices, default=InputType.TEXT)
    required = models.BooleanField(_("required"), default=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Fields are shown in this order."))

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
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.attribute_name})"
