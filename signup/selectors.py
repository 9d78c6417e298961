"""Read-side queries. The field configuration is served from the cache (shared by every instance through
CACHE_URL) and invalidated whenever an admin or an import changes it, so requests do not touch the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from signup.models import AttributeField

FIELDS_CACHE_KEY = "signup:attribute-fields:v2"
FIELDS_CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class FieldSpec:
    """One enabled attribute field, as plain data (cheap to cache and to pickle)."""

    attribute_name: str
    label: str
    help_text: str
    input_type: str
    required: bool
    placeholder: str = ""
    autocomplete: str = ""  # "" = the usual token for the attribute (signup.field_rules.default_autocomplete)
    initial: str = ""
    min_length: int | None = None
    max_length: int | None = None
    regex: str = ""
    regex_message: str = ""
    min_value: str | None = None  # decimals as strings: exact, and cheap to pickle
    max_value: str | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (value, label) pairs in display order
    destination: str = "user_attributes"
    phone_region: str = ""

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
        )


def attribute_field_list_active() -> tuple[FieldSpec, ...]:
    specs = cache.get(FIELDS_CACHE_KEY)
    if specs is None:
        specs = tuple(
            FieldSpec.from_model(model)
            for model in AttributeField.objects.filter(enabled=True).order_by("position", "id")
        )
        cache.set(FIELDS_CACHE_KEY, specs, FIELDS_CACHE_SECONDS)
    return specs


def attribute_field_cache_clear() -> None:
    cache.delete(FIELDS_CACHE_KEY)


@receiver([post_save, post_delete], sender=AttributeField, dispatch_uid="signup-fields-cache")
def _invalidate_on_change(**_: object) -> None:
    attribute_field_cache_clear()
