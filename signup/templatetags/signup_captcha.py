"""{% captcha_widget as captcha %}: the CAPTCHA widget's values for templates/signup/_captcha.html (None when off)."""

from __future__ import annotations

from django import template

from signup import captcha

register = template.Library()


@register.simple_tag
def captcha_widget() -> dict[str, str] | None:
    return captcha.widget()
