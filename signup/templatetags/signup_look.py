"""Template helpers for the look: left-to-right islands in right-to-left text, and the step indicator."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


@register.filter
def ltr(value: object) -> SafeString:
    """An e-mail address or phone number kept left to right inside right-to-left text (<bdi dir="ltr">), without
    changing the translated sentence it is placed in."""
    return format_html('<bdi dir="ltr">{}</bdi>', value)


@register.inclusion_tag("signup/_steps.html")
def steps(current: int) -> dict[str, object]:
    """The journey's "1 Account · 2 Confirm · 3 Done", with the current step marked for assistive technology."""
    names = (gettext("Account"), gettext("Confirm"), gettext("Done"))
    return {
        "steps": [
            {
                "number": number,
                "name": name,
                "state": "current" if number == current else "done" if number < current else "todo",
            }
            for number, name in enumerate(names, start=1)
        ]
    }
