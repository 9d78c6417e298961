"""Read-side queries. The field configuration is held in each process and checked against the configuration revision
(signup.revision) on every use, so any change, by any path, shows on every instance's next request, and a cache
outage cannot touch it. If the database does not answer, the last configuration this process read is served.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from signup import pool
from signup.field_rules import SchemaAttribute
from signup.models import (
    TEXT_INPUT_TYPES,
    VALUE_MAX_LENGTH,
    AttributeField,
    AttributeFieldTranslation,
    Destination,
    region_codes,
)
from signup.revision import configuration_changed, current_revision

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FieldTexts:
    """A field's admin-entered texts in one language; "" = not given there (the default language's text applies)."""

    language: str
    label: str = ""
    help_text: str = ""
    placeholder: str = ""


@dataclass(frozen=True)
class FieldSpec:
    """One enabled attribute field, as plain data (cheap to keep and compare)."""

    attribute_name: str
    label: str
    help_text: str
    input_type: str
    required: bool
    placeholder: str = ""
    autocomplete: str = ""  # "" = the usual token for the attribute (signup.models.default_autocomplete)
    initial: str = ""
    min_length: int | None = None
    max_length: int | None = None
    regex: str = ""
    regex_message: str = ""
    min_value: str | None = None  # decimals as strings: exact, and cheap to compare
    max_value: str | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (value, label) pairs in display order
    destination: str = "user_attributes"
    phone_region: str = ""
    allowed_countries: tuple[str, ...] = ()
    consent_version: str = ""
    consent_terms_url: str = ""
    consent_privacy_url: str = ""
    # One per language the admin gave texts in, never the default's. Left out of repr: the page cache builds its key
    # from repr on every request (signup.page_cache), where all languages' texts tripled the cost with 5 fields in 11
    # languages; the key has the configuration revision, which every translation write raises.
    translations: tuple[FieldTexts, ...] = field(default=(), repr=False)

    def texts_in(self, language: str | None) -> FieldTexts:
        """The texts given for `language` (or its base language: "de" for "de-at"); empty ones where none are."""
        code = (language or "").lower()
        by_language = {texts.language: texts for texts in self.translations}
        return by_language.get(code) or by_language.get(code.split("-")[0]) or FieldTexts(language=code)

    @classmethod
    def from_model(cls, model: AttributeField) -> FieldSpec:
        choices = model.choices if isinstance(model.choices, list) else []
        return cls(
            attribute_name=model.attribute_name,
            label=model.label,
            help_text=model.help_text,
            input_type=model.input_type,
            required=model.required,
            placeholder=model.placeholder,
            autocomplete=model.autocomplete,
            initial=model.initial,
            min_length=model.min_length,
            max_length=model.max_length,
            regex=model.regex,
            regex_message=model.regex_message,
            min_value=None if model.min_value is None else str(model.min_value),
            max_value=None if model.max_value is None else str(model.max_value),
            choices=tuple((str(c["value"]), str(c["label"])) for c in choices if isinstance(c, dict)),
            destination=model.destination,
            phone_region=model.phone_region,
            allowed_countries=tuple(region_codes(model.allowed_countries)),
            # .all(): served from prefetch_related("translations") when asked for (one query in all); none before a save
            translations=tuple(
                FieldTexts(language=t.language, label=t.label, help_text=t.help_text, placeholder=t.placeholder)
                for t in (model.translations.all() if model.pk is not None else ())
            ),
            consent_version=model.consent_version,
            consent_terms_url=model.consent_terms_url,
            consent_privacy_url=model.consent_privacy_url,
        )


@dataclass(frozen=True)
class _Held:
    revision: int
    specs: tuple[FieldSpec, ...]


_held: _Held | None = None
_held_lock = threading.Lock()


def _load(revision: int) -> _Held:
    fields = AttributeField.objects.filter(enabled=True).order_by("position", "id").prefetch_related("translations")
    return _Held(revision, tuple(FieldSpec.from_model(row) for row in fields))


def attribute_field_list_active() -> tuple[FieldSpec, ...]:
    """The enabled fields in form order, as of the database's current configuration revision."""
    global _held
    held = _held
    try:
        revision = current_revision()
        if held is None or held.revision != revision:
            with _held_lock:
                held = _held = _load(revision)
    except DatabaseError:
        if held is None:
            raise
        logger.warning("signup.fields source=process_copy reason=database_unavailable")
    return held.specs


def configuration_revision_held() -> int:
    """The revision this process's copy of the configuration was read at (after attribute_field_list_active())."""
    held = _held
    return held.revision if held is not None else -1


def attribute_field_spec(attribute_name: str) -> FieldSpec | None:
    """The enabled field for one attribute, or None."""
    return next((spec for spec in attribute_field_list_active() if spec.attribute_name == attribute_name), None)


def attribute_field_cache_clear() -> None:
    """Forget this process's copy (tests; other processes notice the revision instead)."""
    global _held, _for_form
    _held = _for_form = None


_for_form: tuple[object, object, tuple[FieldSpec, ...]] | None = None


def attribute_field_list_for_form() -> tuple[FieldSpec, ...]:
    """The enabled fields with the pool's limits filled in where the admin left them open (an unset maximum length
    means "the pool's maximum", also in the HTML maxlength)."""
    global _for_form
    specs, description = attribute_field_list_active(), pool.user_pool_description()
    memo = _for_form
    if memo is not None and memo[0] is specs and memo[1] is description:
        return memo[2]  # both unchanged since the last request: the same objects
    result = with_pool_maxima(specs, description)
    _for_form = (specs, description, result)
    return result


def with_pool_maxima(specs: Iterable[FieldSpec], description: Mapping[str, Any] | None) -> tuple[FieldSpec, ...]:
    maxima = _string_maxima(description)
    return tuple(
        replace(spec, max_length=maxima[spec.attribute_name])
        if spec.max_length is None
        and spec.attribute_name in maxima
        and spec.destination == Destination.USER_ATTRIBUTES
        and spec.input_type in TEXT_INPUT_TYPES
        else spec
        for spec in specs
    )


def _string_maxima(description: Mapping[str, Any] | None) -> dict[str, int]:
    if not description:
        return {}
    attributes = (SchemaAttribute.from_schema(entry) for entry in description.get("SchemaAttributes") or [])
    return {
        attribute.name: attribute.max_length
        for attribute in attributes
        if attribute.max_length is not None and 0 < attribute.max_length < VALUE_MAX_LENGTH
    }


@receiver([post_save, post_delete], sender=AttributeField, dispatch_uid="signup-fields-changed")
@receiver([post_save, post_delete], sender=AttributeFieldTranslation, dispatch_uid="signup-field-texts-changed")
def _fields_changed(**_: object) -> None:
    configuration_changed()
