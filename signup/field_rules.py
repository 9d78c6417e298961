"""The rules that decide whether a configured attribute field is something Cognito will accept.

Local rules live on the model (`AttributeField.clean`, database constraints); the rules that need the user pool and
the app client (DescribeUserPool / DescribeUserPoolClient, read through signup.pool's cache) live here, so the admin
and the `signupfields import` command validate exactly the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from signup import pool
from signup.models import (
    STANDARD_ATTRIBUTES,
    TEXT_INPUT_TYPES,
    VALUE_MAX_LENGTH,
    AttributeField,
    Destination,
    InputType,
)
from signup.signals import pool_attributes_wanted

# Stored in English as the field's label; the form shows labels through gettext, so these appear in the user's
# language (the catalogues translate them).
STANDARD_LABELS: Mapping[str, str] = {
    "email": gettext_noop("Email address"),
    "phone_number": gettext_noop("Phone number"),
    "name": gettext_noop("Full name"),
    "given_name": gettext_noop("First name"),
    "family_name": gettext_noop("Last name"),
    "middle_name": gettext_noop("Middle name"),
    "nickname": gettext_noop("Nickname"),
    "preferred_username": gettext_noop("Preferred username"),
    "profile": gettext_noop("Profile page"),
    "picture": gettext_noop("Picture URL"),
    "website": gettext_noop("Website"),
    "gender": gettext_noop("Gender"),
    "birthdate": gettext_noop("Date of birth"),
    "zoneinfo": gettext_noop("Time zone"),
    "locale": gettext_noop("Language"),
    "address": gettext_noop("Address"),
}
_STANDARD_INPUT_TYPES = {
    "email": InputType.EMAIL,
    "phone_number": InputType.TEL,
    "birthdate": InputType.DATE,
    "website": InputType.URL,
    "profile": InputType.URL,
    "picture": InputType.URL,
    "address": InputType.TEXTAREA,
}


# --- What the pool says -------------------------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class SchemaAttribute:
    """One entry of the pool's SchemaAttributes, under the name SignUp would use (without `dev:`)."""

    name: str
    data_type: str
    required: bool
    mutable: bool
    developer_only: bool
    min_length: int | None
    max_length: int | None
    min_value: Decimal | None
    max_value: Decimal | None

    @classmethod
    def from_schema(cls, entry: Mapping[str, Any]) -> SchemaAttribute:
        name = str(entry.get("Name", ""))
        strings = entry.get("StringAttributeConstraints") or {}
        numbers = entry.get("NumberAttributeConstraints") or {}
        return cls(
            name=name.removeprefix("dev:"),
            data_type=str(entry.get("AttributeDataType", "String")),
            required=bool(entry.get("Required", False)),
            mutable=bool(entry.get("Mutable", True)),
            developer_only=bool(entry.get("DeveloperOnlyAttribute", False)) or name.startswith("dev:"),
            min_length=_int(strings.get("MinLength")),
            max_length=_int(strings.get("MaxLength")),
            min_value=_decimal(numbers.get("MinValue")),
            max_value=_decimal(numbers.get("MaxValue")),
        )


# Attributes that are in every pool's schema but only Cognito sets.
COGNITO_MANAGED = frozenset({"sub", "email_verified", "phone_number_verified", "updated_at", "identities"})


@dataclass(frozen=True)
class PoolRules:
    attributes: Mapping[str, SchemaAttribute]
    # None when the app client lists no WriteAttributes: Cognito then lets it write the standard attributes only.
    write_attributes: frozenset[str] | None

    @classmethod
    def from_descriptions(cls, user_pool: Mapping[str, Any], client: Mapping[str, Any]) -> PoolRules:
        attributes = {}
        for entry in user_pool.get("SchemaAttributes") or []:
            attribute = SchemaAttribute.from_schema(entry)
            if attribute.name:
                attributes[attribute.name] = attribute
        write = client.get("WriteAttributes")
        return cls(attributes=attributes, write_attributes=frozenset(write) if write else None)

    def writable(self, name: str) -> bool:
        attribute = self.attributes.get(name)
        if attribute is not None and attribute.required:
            return True  # Cognito does not let an app client lose write access to a required attribute
        if self.write_attributes is None:
            return name in STANDARD_ATTRIBUTES
        return name in self.write_attributes

    def required_names(self) -> list[str]:
        return [name for name, attribute in self.attributes.items() if attribute.required and name != "sub"]


def pool_rules(*, fresh: bool = False) -> PoolRules | None:
    """The pool's rules, or None when the pool or the app client cannot be read (then only local rules apply).

    `fresh`: read the pool now (the admin, an import), not this process's copy.
    """
    if not settings.COGNITO_USER_POOL_ID or not settings.COGNITO_CLIENT_ID:
        return None  # nothing to ask about (the embedded local Cognito has not been started)
    user_pool = pool.user_pool_description(fresh=fresh)
    client = pool.user_pool_client_description(fresh=fresh) if user_pool is not None else None
    if user_pool is None or client is None:
        return None
    return PoolRules.from_descriptions(user_pool, client)


# --- Validation ---------------------------------------------------------------------------------------------------


def attribute_field_pool_errors(field: AttributeField, rules: PoolRules) -> dict[str, list[ValidationError]]:
    """What Cognito would reject about this field, per model field name. Empty when it is acceptable."""
    problems: dict[str, list[ValidationError]] = {}

    def problem(name: str, message: str, code: str) -> None:
        problems.setdefault(name, []).append(ValidationError(message, code=code))

    if field.destination != Destination.USER_ATTRIBUTES:
        return problems  # ValidationData and ClientMetadata are not stored in the pool
    name = field.attribute_name
    attribute = rules.attributes.get(name)
    if attribute is None:
        problem(
            "attribute_name",
            _("The user pool has no attribute %(name)s. Add it to the pool's schema first.") % {"name": name},
            "not_in_pool",
        )
        return problems
    if attribute.developer_only:
        problem(
            "attribute_name",
            _("%(name)s is a developer-only attribute: only administrators can write it, never a sign-up.")
            % {"name": name},
            "developer_only",
        )
        return problems
    if not rules.writable(name):
        problem(
            "attribute_name",
            _("The app client may not write %(name)s. Add it to the app client's write attributes.") % {"name": name},
            "not_writable",
        )
    if attribute.data_type == "Number" and field.input_type != InputType.NUMBER:
        problem("input_type", _("The pool stores %(name)s as a number: use a number field.") % {"name": name}, "type")
    if attribute.data_type == "String" and field.input_type in TEXT_INPUT_TYPES:
        _check_lengths(field, attribute, problem)
    if attribute.data_type == "Number" and field.input_type == InputType.NUMBER:
        _check_numbers(field, attribute, problem)
    if field.input_type == InputType.CONSENT:
        _check_consent(field, attribute, problem)
    return problems


def _check_consent(field: AttributeField, attribute: SchemaAttribute, problem: Any) -> None:
    """A consent stores its version string: the attribute must be a string long enough to hold it."""
    name = field.attribute_name
    if attribute.data_type != "String":
        problem(
            "input_type", _("A consent stores its version as text: %(name)s is not a string.") % {"name": name}, "type"
        )
    elif attribute.max_length is not None and len(field.consent_version) > attribute.max_length:
        problem(
            "consent_version",
            _("The pool keeps at most %(limit)d characters in %(name)s: use a shorter version.")
            % {"limit": attribute.max_length, "name": name},
            "consent_version_too_long",
        )


def _check_lengths(field: AttributeField, attribute: SchemaAttribute, problem: Any) -> None:
    low, high = attribute.min_length, attribute.max_length
    if low and (field.min_length is None or field.min_length < low):
        problem(
            "min_length",
            _("The pool requires at least %(limit)d characters: set a minimum length of %(limit)d or more.")
            % {"limit": low},
            "pool_min_length",
        )
    # An unset maximum means "the pool's maximum" (the form applies it); only an explicit larger one is wrong.
    if high is not None and high < VALUE_MAX_LENGTH and field.max_length is not None and field.max_length > high:
        problem(
            "max_length",
            _("The pool allows at most %(limit)d characters: set a maximum length of %(limit)d or less.")
            % {"limit": high},
            "pool_max_length",
        )
    if high is not None and field.min_length is not None and field.min_length > high:
        problem(
            "min_length",
            _("The pool allows at most %(limit)d characters.") % {"limit": high},
            "pool_max_length",
        )


def _check_numbers(field: AttributeField, attribute: SchemaAttribute, problem: Any) -> None:
    low, high = attribute.min_value, attribute.max_value
    if low is not None and (field.min_value is None or field.min_value < low):
        problem(
            "min_value",
            _("The pool accepts numbers from %(limit)s: set a minimum of %(limit)s or more.") % {"limit": low},
            "pool_min_value",
        )
    if high is not None and (field.max_value is None or field.max_value > high):
        problem(
            "max_value",
            _("The pool accepts numbers up to %(limit)s: set a maximum of %(limit)s or less.") % {"limit": high},
            "pool_max_value",
        )


def _pool_follows(field: AttributeField, rules: PoolRules) -> bool:
    """Ask apps that can change the pool (the embedded local Cognito) to add a missing attribute; True if one did."""
    name = field.attribute_name
    if field.destination != Destination.USER_ATTRIBUTES or (name in rules.attributes and rules.writable(name)):
        return False
    replies = pool_attributes_wanted.send(sender=None, attribute_names=[name])
    return any(reply is True for _receiver, reply in replies)


def attribute_field_pool_validate(field: AttributeField, rules: PoolRules | None) -> None:
    """Raise a ValidationError (per field) for what the pool would reject; no-op when the pool was not readable."""
    if rules is None:
        return
    if _pool_follows(field, rules):
        rules = pool_rules(fresh=True)
        if rules is None:
            return
    if problems := attribute_field_pool_errors(field, rules):
        raise ValidationError(problems)


def attribute_field_validate(field: AttributeField, rules: PoolRules | None, *, replacing_all: bool = False) -> None:
    """Everything the admin checks for one field: the model's own rules, then the pool's.

    `replacing_all`: the field will replace every saved one (an import), so uniqueness against the rows saved now
    does not apply; the caller checks it within the new set.
    """
    if replacing_all:
        # The only constraint on attribute_name is its uniqueness; every other constraint is still checked.
        field.full_clean(validate_unique=False, validate_constraints=False)
        field.validate_constraints(exclude={"attribute_name"})
    else:
        field.full_clean()
    attribute_field_pool_validate(field, rules)


# --- Pool-wide findings -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfiguredField:
    """The little the required-attribute rules need to know about a configured field."""

    attribute_name: str
    enabled: bool
    required: bool
    destination: str

    @classmethod
    def from_model(cls, field: AttributeField) -> ConfiguredField:
        return cls(field.attribute_name, field.enabled, field.required, field.destination)


def required_attribute_warnings(fields: Iterable[ConfiguredField], rules: PoolRules) -> list[tuple[str, str]]:
    """(attribute, message) for every attribute the pool requires that the form would not always send."""
    by_name = {f.attribute_name: f for f in fields if f.destination == Destination.USER_ATTRIBUTES}
    warnings = []
    for name in rules.required_names():
        field = by_name.get(name)
        if field is None:
            message = _("The user pool requires %(name)s, but the form does not ask for it.")
        elif not field.enabled:
            message = _("The user pool requires %(name)s, but its field is disabled.")
        elif not field.required:
            message = _("The user pool requires %(name)s, but its field is optional.")
        else:
            continue
        warnings.append((name, message % {"name": name}))
    return warnings


def pool_attributes_importable(rules: PoolRules, configured: Iterable[str]) -> list[SchemaAttribute]:
    """Pool attributes a sign-up could write that have no field yet, in schema order."""
    taken = set(configured)
    return [
        attribute
        for name, attribute in rules.attributes.items()
        if name not in taken
        and name not in COGNITO_MANAGED
        and not attribute.developer_only
        and (name in STANDARD_ATTRIBUTES or name.startswith("custom:"))
        and len(name) <= 32
        and rules.writable(name)
    ]


def field_from_schema(attribute: SchemaAttribute, *, position: int) -> AttributeField:
    """A disabled field for a pool attribute, for an admin to review before enabling it."""
    name = attribute.name
    if name in STANDARD_LABELS:
        label = STANDARD_LABELS[name]
    else:
        label = name.removeprefix("custom:").replace("_", " ").replace("-", " ").strip().capitalize() or name
    if attribute.data_type == "Number":
        input_type = InputType.NUMBER
    elif attribute.data_type == "Boolean":
        input_type = InputType.CHECKBOX
    else:
        input_type = _STANDARD_INPUT_TYPES.get(name, InputType.TEXT)
    field = AttributeField(
        attribute_name=name,
        label=label[:100],
        input_type=input_type,
        required=attribute.required,
        enabled=False,
        position=position,
    )
    if input_type in TEXT_INPUT_TYPES and attribute.min_length:
        field.min_length = attribute.min_length
    if input_type == InputType.NUMBER:
        field.min_value, field.max_value = attribute.min_value, attribute.max_value
    return field
