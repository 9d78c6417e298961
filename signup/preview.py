"""The admin preview: the sign-up form as users see it, and the SignUp request it would send (secrets redacted).

The request is built by the gateway's own `build_sign_up_request`, so the preview cannot drift from what is sent.
Nothing here calls the network.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from signup import cognito
from signup.client_ip import client_ip
from signup.forms import SignUpForm
from signup.selectors import FieldSpec

SAMPLE_USERNAME = "jane.doe"
SAMPLE_PASSWORD = "correct horse battery staple"  # never shown: the preview redacts it like any password

_STANDARD_SAMPLES = {
    "email": "jane.doe@example.com",
    "phone_number": "+447400123456",
    "name": "Jane Doe",
    "given_name": "Jane",
    "family_name": "Doe",
    "middle_name": "Q",
    "nickname": "Jay",
    "preferred_username": "jane",
    "profile": "https://example.com/jane",
    "picture": "https://example.com/jane.png",
    "website": "https://example.com",
    "gender": "female",
    "birthdate": "1990-01-31",
    "zoneinfo": "Europe/London",
    "locale": "en-GB",
    "address": "1 Example Street, London",
}
_TYPE_SAMPLES = {
    "email": "jane.doe@example.com",
    "tel": "+447400123456",
    "date": "1990-01-31",
    "url": "https://example.com",
}


def sample_value(spec: FieldSpec) -> str:
    """A plausible value for one field (what an admin would type to try the form)."""
    if spec.initial and spec.input_type != "checkbox":
        return spec.initial
    if spec.input_type == "select":
        return spec.choices[0][0] if spec.choices else ""
    if spec.input_type in ("checkbox", "consent"):
        return "on"
    if spec.input_type == "number":
        return _sample_number(spec)
    value = _STANDARD_SAMPLES.get(spec.attribute_name) or _TYPE_SAMPLES.get(spec.input_type) or "Sample"
    if spec.min_length and len(value) < spec.min_length:
        value = value + "x" * (spec.min_length - len(value))
    if spec.max_length and len(value) > spec.max_length:
        value = value[: spec.max_length]
    return value


def _sample_number(spec: FieldSpec) -> str:
    number = Decimal(42)
    if spec.min_value is not None and number < Decimal(spec.min_value):
        number = Decimal(spec.min_value)
    if spec.max_value is not None and number > Decimal(spec.max_value):
        number = Decimal(spec.max_value)
    return format(number.normalize(), "f")


def sample_data(specs: Iterable[FieldSpec]) -> dict[str, str]:
    data = {"username": SAMPLE_USERNAME, "password": SAMPLE_PASSWORD}
    for spec in specs:
        data[spec.attribute_name] = sample_value(spec)
    return data


def preview_language(requested: str | None) -> str:
    """The language to preview in: the one asked for when the portal has it, else the admin's own."""
    codes = [code for code, _name in settings.LANGUAGES]
    if requested is not None and requested in codes:
        return requested
    return translation.get_language() or settings.LANGUAGE_CODE


def language_links(request: HttpRequest, current: str) -> list[dict[str, Any]]:
    """One link per language to this preview (same query, other language), for the preview's language choice."""
    links = []
    for code, name in settings.LANGUAGES:
        query = request.GET.copy()
        query["language"] = code
        links.append({"code": code, "name": name, "url": f"?{query.urlencode()}", "current": code == current})
    return links


def preview_request(form: SignUpForm, request: HttpRequest) -> dict[str, Any]:
    """The SignUp parameters a valid form would send, redacted. The form must be valid."""
    context = cognito.RequestContext(
        ip_address=client_ip(request), encoded_data=form.cleaned_data.get("encoded_data", "")
    )
    return cognito.redact_request(cognito.build_sign_up_request(form.sign_up_request(), context))


def preview_request_json(form: SignUpForm, request: HttpRequest) -> str:
    return json.dumps(preview_request(form, request), indent=2, ensure_ascii=False)
