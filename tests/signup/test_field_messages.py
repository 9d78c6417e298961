"""Every configured field type answers bad input in the portal's own words (signup/form_fields.py), never with
Django's stock texts, on the page a person gets back from POST /signup/. Nothing reaches Cognito: the form refuses
first (the Stubber has nothing queued, so any call would fail the test)."""

from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains

from tests.helpers import configure_fields, form_data

pytestmark = pytest.mark.django_db

# Django's own texts, in full where the portal words a message of the same kind differently
# ("Enter a valid email address, e.g. name@example.com." is the portal's, "Enter a valid email address." Django's).
DJANGO_STOCK_TEXTS = (
    "This field is required.",
    "Ensure this value has at most",
    "Ensure this value has at least",
    "Ensure this value is less than or equal to",
    "Ensure this value is greater than or equal to",
    "Ensure that there are no more than",
    "Select a valid choice",
    "Enter a valid email address.",
    "Enter a valid URL.",
    "Enter a valid date.",
    "Enter a valid value.",
)
PLAN_CHOICES = [{"value": "free", "label": "Free"}, {"value": "pro", "label": "Pro"}]

CASES = {
    "text over its max length": (
        {"attribute_name": "given_name", "max_length": 5},
        "Alexandra",
        "This is too long: use at most 5 characters (this has 9).",
    ),
    "text under its min length": (
        {"attribute_name": "given_name", "min_length": 3},
        "Al",
        "This is too short: use at least 3 characters (this has 2).",
    ),
    "required text left empty": ({"attribute_name": "given_name", "required": True}, "", "Please fill this in."),
    "email": (
        {"attribute_name": "email", "input_type": "email"},
        "alice-at-example",
        "Enter a valid email address, e.g. name@example.com.",
    ),
    "phone": (
        {"attribute_name": "phone_number", "input_type": "tel"},
        "12",
        "Enter a valid phone number, e.g. +44 7400 123456.",
    ),
    "number under its minimum": (
        {"attribute_name": "custom:age", "input_type": "number", "min_value": 18, "max_value": 120},
        "17",
        "Enter 18 or more.",
    ),
    "number over its maximum": (
        {"attribute_name": "custom:age", "input_type": "number", "min_value": 18, "max_value": 120},
        "121",
        "Enter 120 or less.",
    ),
    "number that is not one": ({"attribute_name": "custom:age", "input_type": "number"}, "old", "Enter a number."),
    "date": (
        {"attribute_name": "birthdate", "input_type": "date"},
        "31/01/1990",
        "Enter a date as year-month-day, e.g. 1990-01-31.",
    ),
    "select outside its choices": (
        {"attribute_name": "custom:plan", "input_type": "select", "choices": PLAN_CHOICES},
        "gold",
        "Choose one of the options.",
    ),
    "required select left empty": (
        {"attribute_name": "custom:plan", "input_type": "select", "choices": PLAN_CHOICES, "required": True},
        "",
        "Choose one of the options.",
    ),
    "required checkbox left unticked": (
        {"attribute_name": "custom:terms", "input_type": "checkbox", "required": True},
        None,
        "Tick this box to continue.",
    ),
    "url": (
        {"attribute_name": "website", "input_type": "url"},
        "not a web address",
        "Enter a web address, e.g. https://example.com.",
    ),
    "pattern without its own message": (
        {"attribute_name": "custom:code", "regex": "[A-Z]{3}"},
        "abc",
        "Enter a value in the expected format.",
    ),
    "pattern with the admin's message": (
        {"attribute_name": "custom:code", "regex": "[A-Z]{3}", "regex_message": "Three capital letters, e.g. ABC."},
        "abc",
        "Three capital letters, e.g. ABC.",
    ),
}


@pytest.mark.parametrize(("field", "typed", "message"), CASES.values(), ids=CASES.keys())
def test_bad_input_is_answered_in_the_portals_words_and_never_djangos(client, stubber, field, typed, message):
    configure_fields({"label": "The field", **field})
    data = {key: value for key, value in form_data(email="").items() if key != "email"}
    if typed is not None:
        data[field["attribute_name"]] = typed

    page = client.post("/signup/", data)

    assert page.context["form"].errors == {field["attribute_name"]: [message]}
    assertContains(page, message, html=False)
    content = page.content.decode()
    assert [text for text in DJANGO_STOCK_TEXTS if text in content] == []


def test_the_username_and_password_left_empty_get_the_portals_words_too(client, stubber):
    configure_fields()

    page = client.post("/signup/", {"username": "", "password": ""})

    assert set(page.context["form"].errors) == {"username", "password"}
    content = page.content.decode()
    assert [text for text in DJANGO_STOCK_TEXTS if text in content] == []
