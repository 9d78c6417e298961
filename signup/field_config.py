"""Configuration as code: the attribute fields as a JSON document (export, import), and fields from the pool.

An import replaces the whole configuration, all or nothing, after validating every field exactly as the admin does
(signup.field_rules). The format is documented in docs/fields.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from signup import field_rules
from signup.field_rules import PoolRules
from signup.models import AttributeField

FORMAT_VERSION = 1
# Every configurable property, in the order the export writes them.
EXPORTED_FIELDS = (
    "attribute_name",
    "label",
    "help_text",
    "placeholder",
    "input_type",
    "required",
    "enabled",
    "position",
    "initial",
    "autocomplete",
    "min_length",
    "max_length",
    "regex",
    "regex_message",
    "min_value",
    "max_value",
    "choices",
    "destination",
    "phone_region",
    "allowed_countries",
    "consent_version",
    "consent_terms_url",
    "consent_privacy_url",
)
_DECIMAL_FIELDS = ("min_value", "max_value")


class FieldConfigError(ValueError):
    """A configuration document that cannot be imported; the message says which field and why."""


def _decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def attribute_field_config_export() -> dict[str, Any]:
    fields = []
    for field in AttributeField.objects.order_by("position", "id"):
        item = {name: getattr(field, name) for name in EXPORTED_FIELDS}
        for name in _DECIMAL_FIELDS:
            item[name] = _decimal_text(item[name])
        fields.append(item)
    return {"version": FORMAT_VERSION, "fields": fields}


def attribute_field_config_dumps(config: Mapping[str, Any]) -> str:
    return json.dumps(config, indent=2, ensure_ascii=False) + "\n"


def _describe(index: int, item: Any) -> str:
    name = item.get("attribute_name") if isinstance(item, dict) else None
    return f"fields[{index}]" + (f" ({name})" if isinstance(name, str) and name else "")


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for e in errors for m in e.messages)}"
            for name, errors in error.error_dict.items()
        )
    return " ".join(error.messages)


def _decimal_values(where: str, values: dict[str, Any]) -> None:
    for name in _DECIMAL_FIELDS:
        value = values.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise FieldConfigError(f"{where}: {name}: a number is expected.")
        try:
            values[name] = Decimal(str(value))
        except InvalidOperation:
            raise FieldConfigError(f"{where}: {name}: {value!r} is not a number.") from None


def _check_types(where: str, values: dict[str, Any]) -> None:
    for name in ("required", "enabled"):
        if name in values and not isinstance(values[name], bool):
            raise FieldConfigError(f"{where}: {name}: true or false is expected.")
    for name in ("position", "min_length", "max_length"):
        value = values.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise FieldConfigError(f"{where}: {name}: a whole number is expected.")
    for name, value in values.items():
        if name not in (*_DECIMAL_FIELDS, "choices") and isinstance(value, list | dict):
            raise FieldConfigError(f"{where}: {name}: a single value is expected.")
        if isinstance(value, str) and "\x00" in value:
            raise FieldConfigError(f"{where}: {name}: contains NUL characters.")


def _field_from_item(index: int, item: Any) -> AttributeField:
    where = _describe(index, item)
    if not isinstance(item, dict):
        raise FieldConfigError(f"{where}: each field must be a JSON object.")
    if unknown := sorted(set(item) - set(EXPORTED_FIELDS)):
        raise FieldConfigError(f"{where}: unknown key(s) {', '.join(unknown)}.")
    values = dict(item)
    _decimal_values(where, values)
    _check_types(where, values)
    return AttributeField(**values)


def attribute_field_config_parse(data: Any, *, rules: PoolRules | None) -> list[AttributeField]:
    """Validate a whole configuration document; return unsaved fields or raise FieldConfigError."""
    if not isinstance(data, dict) or set(data) != {"version", "fields"}:
        raise FieldConfigError('The document must be an object with exactly "version" and "fields".')
    if data["version"] != FORMAT_VERSION:
        raise FieldConfigError(f"Unsupported version {data['version']!r}; this portal reads version {FORMAT_VERSION}.")
    if not isinstance(data["fields"], list):
        raise FieldConfigError('"fields" must be a list.')
    fields = []
    seen: dict[str, int] = {}
    for index, item in enumerate(data["fields"]):
        field = _field_from_item(index, item)
        try:
            field_rules.attribute_field_validate(field, rules, replacing_all=True)
        except ValidationError as error:
            raise FieldConfigError(f"{_describe(index, item)}: {_validation_message(error)}") from None
        if field.attribute_name in seen:
            raise FieldConfigError(
                f"{_describe(index, item)}: attribute_name: already used by fields[{seen[field.attribute_name]}]."
            )
        seen[field.attribute_name] = index
        fields.append(field)
    return fields


def attribute_field_config_import(data: Any, *, rules: PoolRules | None) -> list[AttributeField]:
    """Replace the whole configuration with the document's fields, or change nothing and raise FieldConfigError."""
    fields = attribute_field_config_parse(data, rules=rules)
    with transaction.atomic():
        # Both announce the change (signup.models.AttributeFieldQuerySet): every process rebuilds on its next request.
        AttributeField.objects.all().delete()
        return AttributeField.objects.bulk_create(fields)


def attribute_field_import_from_pool(rules: PoolRules) -> list[AttributeField]:
    """Add a disabled field for every writable pool attribute that has none yet, for an admin to review."""
    configured = AttributeField.objects.values_list("attribute_name", flat=True)
    position = (AttributeField.objects.aggregate(top=Max("position"))["top"] or 0) + 10
    created = []
    with transaction.atomic():
        for attribute in field_rules.pool_attributes_importable(rules, configured):
            field = field_rules.field_from_schema(attribute, position=position)
            try:
                field_rules.attribute_field_validate(field, rules)
            except ValidationError:
                continue  # nothing an admin could review usefully (e.g. a pool rule this portal cannot meet)
            field.save()
            created.append(field)
            position += 10
    return created
