"""Configure N attribute fields in the bench database: `python -m bench.fields N` (email plus custom:fNN)."""

from __future__ import annotations

import os
import sys


def configure(count: int) -> list[str]:
    from signup.models import AttributeField
    from signup.selectors import attribute_field_cache_clear

    AttributeField.objects.exclude(attribute_name="email").delete()
    AttributeField.objects.update_or_create(
        attribute_name="email",
        defaults={"label": "Email address", "input_type": "email", "required": True, "enabled": True, "position": 0},
    )
    names = ["email"]
    for index in range(1, count):
        name = f"custom:f{index:02d}"
        AttributeField.objects.create(
            attribute_name=name, label=f"Field {index}", help_text=f"Help for field {index}", position=index
        )
        names.append(name)
    attribute_field_cache_clear()
    return names


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    print(" ".join(configure(int(sys.argv[1]))))
