"""Read-side queries. The field configuration is served from the cache (shared by every instance through
CACHE_URL) and invalidated whenever an admin or an import changes it, so requests do not touch the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from signup.models import AttributeField

FIELDS_CACHE_KEY = "signup:attribute-fields:v1"
FIELDS_CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class FieldSpec:
    """One enabled attribute field, as plain data (cheap to cache and to pickle)."""

    attribute_name: str
    label: str
    help_text: str
    input_type: str
    required: bool


def attribute_field_list_active() -> tuple[FieldSpec, ...]:
    specs = cache.get(FIELDS_CACHE_KEY)
    if specs is None:
        specs = tuple(
            FieldSpec(
                attribute_name=field.attribute_name,
                label=field.label,
                help_text=field.help_text,
                input_type=field.input_type,
                required=field.required,
            )
            for field in AttributeField.objects.filter(enabled=True).order_by("position", "id")
        )
        cache.set(FIELDS_CACHE_KEY, specs, FIELDS_CACHE_SECONDS)
    return specs


def attribute_field_cache_clear() -> None:
    cache.delete(FIELDS_CACHE_KEY)


@receiver([post_save, post_delete], sender=AttributeField, dispatch_uid="signup-fields-cache")
def _invalidate_on_change(**_: object) -> None:
    attribute_field_cache_clear()
