"""Configuration as code: the attribute fields as a JSON document (export, import), and fields from the pool.

An import replaces the whole configuration, all or nothing, after validating every field exactly as the admin does
(signup.field_rules). The format is documented in docs/fields.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max

from signup import field_rules
from signup.field_rules import PoolRules
from signup.models import AttributeField, AttributeFieldTranslation, translation_languages

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
# Optional on import, always written by the export: {"de": {"label": ..., "help_text": ..., "placeholder": ...}}.
TRANSLATIONS = "translations"


class FieldConfigError(ValueError):
    """A configuration document that cannot be imported; the message says which field and why."""


def _decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def _translations_export(field: AttributeField) -> dict[str, dict[str, str]]:
    rows = sorted(field.translations.all(), key=lambda row: row.language)
    return {row.language: {text: getattr(row, text) for text in AttributeFieldTranslation.TEXTS} for row in rows}


def attribute_field_config_export() -> dict[str, Any]:
    fields = []
    for field in AttributeField.objects.order_by("position", "id").prefetch_related("translations"):
        item = {name: getattr(field, name) for name in EXPORTED_FIELDS}
        for name in _DECIMAL_FIELDS:
            item[name] = _decimal_text(item[name])
        item[TRANSLATIONS] = _translations_export(field)
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
            ("" if name == NON_FIELD_ERRORS else f"{name}: ") + " ".join(str(m) for e in errors for m in e.messages)
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


def _languages_known(where: str, languages: dict[str, Any]) -> None:
    known = [code for code, _name in translation_languages()]
    if settings.LANGUAGE_CODE in languages:
        raise FieldConfigError(
            f"{where}: {TRANSLATIONS}: {settings.LANGUAGE_CODE} is the default language; its texts are the field's "
            "own label, help_text and placeholder."
        )
    if unknown := sorted(set(languages) - set(known)):
        raise FieldConfigError(
            f"{where}: {TRANSLATIONS}: unknown language(s) {', '.join(unknown)}; use one of {', '.join(known)}."
        )


def _translation_from_item(where: str, language: str, texts: Any) -> AttributeFieldTranslation:
    where = f"{where}: {TRANSLATIONS}.{language}"
    if not isinstance(texts, dict):
        raise FieldConfigError(f'{where}: an object such as {{"label": "..."}} is expected.')
    if unknown := sorted(set(texts) - set(AttributeFieldTranslation.TEXTS)):
        raise FieldConfigError(f"{where}: unknown key(s) {', '.join(unknown)}.")
    for name, value in texts.items():
        if not isinstance(value, str) or "\x00" in value:
            raise FieldConfigError(f"{where}: {name}: a string without NUL characters is expected.")
    row = AttributeFieldTranslation(language=language, **texts)
    try:
        row.full_clean(exclude=["field"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise FieldConfigError(f"{where}: {_validation_message(error)}") from None
    return row


def _translations_from_item(where: str, languages: Any) -> list[AttributeFieldTranslation]:
    if not isinstance(languages, dict):
        raise FieldConfigError(f'{where}: {TRANSLATIONS}: an object such as {{"de": {{"label": "..."}}}} is expected.')
    _languages_known(where, languages)
    return [_translation_from_item(where, language, texts) for language, texts in sorted(languages.items())]


@dataclass
class ParsedField:
    """One field of a document, validated and unsaved, with its texts in other languages."""

    field: AttributeField
    translations: list[AttributeFieldTranslation]


def _field_from_item(index: int, item: Any) -> ParsedField:
    where = _describe(index, item)
    if not isinstance(item, dict):
        raise FieldConfigError(f"{where}: each field must be a JSON object.")
    if unknown := sorted(set(item) - {*EXPORTED_FIELDS, TRANSLATIONS}):
        raise FieldConfigError(f"{where}: unknown key(s) {', '.join(unknown)}.")
    values = dict(item)
    translations = _translations_from_item(where, values.pop(TRANSLATIONS, {}))
    _decimal_values(where, values)
    _check_types(where, values)
    return ParsedField(AttributeField(**values), translations)


def attribute_field_config_parse(data: Any, *, rules: PoolRules | None) -> list[ParsedField]:
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
        parsed = _field_from_item(index, item)
        field = parsed.field
        try:
            field_rules.attribute_field_validate(field, rules, replacing_all=True)
        except ValidationError as error:
            raise FieldConfigError(f"{_describe(index, item)}: {_validation_message(error)}") from None
        if field.attribute_name in seen:
            raise FieldConfigError(
                f"{_describe(index, item)}: attribute_name: already used by fields[{seen[field.attribute_name]}]."
            )
        seen[field.attribute_name] = index
        fields.append(parsed)
    return fields


def attribute_field_config_import(data: Any, *, rules: PoolRules | None) -> list[AttributeField]:
    """Replace the whole configuration with the document's fields, or change nothing and raise FieldConfigError."""
    parsed = attribute_field_config_parse(data, rules=rules)
    with transaction.atomic():
        # All announce the change (signup.models.ConfigurationQuerySet): every process rebuilds on its next request.
        AttributeField.objects.all().delete()
        fields = AttributeField.objects.bulk_create([item.field for item in parsed])
        translations = []
        for saved, item in zip(fields, parsed, strict=True):
            for row in item.translations:
                row.field = saved
                translations.append(row)
        if translations:
            AttributeFieldTranslation.objects.bulk_create(translations)
        return fields


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
