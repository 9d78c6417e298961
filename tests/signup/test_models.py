"""AttributeField: what the database refuses, and what the model's own clean() refuses before it gets there."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from signup.models import AttributeField, default_autocomplete

pytestmark = pytest.mark.django_db


def field(**values):
    return AttributeField(**{"attribute_name": "nickname", "label": "Nickname", **values})


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {name: [e.code for e in errors] for name, errors in error.error_dict.items()}


@pytest.mark.parametrize(
    "values",
    [
        {"min_length": 10, "max_length": 5},
        {"max_length": 0},
        {"max_length": 2049},
        {"min_length": 2049},
        {"input_type": "number", "min_value": Decimal(5), "max_value": Decimal(1)},
        {"regex_message": "Orphan message"},
        {"destination": "somewhere_else"},
        {"input_type": "password"},
        {"label": ""},
    ],
)
def test_the_database_refuses_inconsistent_rows(values):
    with pytest.raises(IntegrityError), transaction.atomic():
        field(**values).save()


def test_the_database_refuses_a_second_field_for_the_same_attribute():
    AttributeField.objects.create(attribute_name="custom:team", label="Team")
    with pytest.raises(IntegrityError), transaction.atomic():
        AttributeField.objects.create(attribute_name="custom:team", label="Team again")


def test_min_length_above_max_length_is_also_a_clear_form_error():
    with pytest.raises(ValidationError) as caught:
        field(min_length=10, max_length=5).full_clean()
    assert "cannot be greater" in str(caught.value)


@pytest.mark.parametrize(
    ("values", "field_name", "code"),
    [
        ({"attribute_name": "email_verified"}, "attribute_name", "invalid_attribute_name"),
        ({"attribute_name": "custom:" + "x" * 21}, "attribute_name", "invalid_attribute_name"),
        ({"attribute_name": "sub"}, "attribute_name", "invalid_attribute_name"),
        ({"attribute_name": "password", "destination": "client_metadata"}, "attribute_name", "reserved_name"),
        ({"attribute_name": "Username", "destination": "validation_data"}, "attribute_name", "reserved_name"),
        ({"attribute_name": "bad name", "destination": "validation_data"}, "attribute_name", "invalid_field_name"),
        ({"regex": "(unclosed"}, "regex", "regex"),
        ({"input_type": "select"}, "choices", "choices"),
        ({"input_type": "select", "choices": [{"value": "a"}]}, "choices", "choices"),
        ({"input_type": "select", "choices": [{"value": "a", "label": "A"}] * 2}, "choices", "choices_duplicate"),
        ({"choices": [{"value": "a", "label": "A"}]}, "choices", "choices_unused"),
        ({"input_type": "checkbox", "max_length": 5}, "max_length", "not_text"),
        ({"min_value": Decimal(1)}, "min_value", "not_number"),
        ({"phone_region": "GB"}, "phone_region", "not_phone"),
        ({"input_type": "tel", "phone_region": "XX"}, "phone_region", "invalid_region"),
        ({"input_type": "tel", "phone_region": "gb"}, "phone_region", "invalid_region"),
        ({"input_type": "checkbox", "initial": "yes"}, "initial", "initial"),
        ({"input_type": "date", "initial": "31/01/1990"}, "initial", "initial"),
        (
            {"input_type": "select", "choices": [{"value": "a", "label": "A"}], "initial": "b"},
            "initial",
            "initial",
        ),
        ({"autocomplete": "given-name<script>"}, "autocomplete", "invalid_autocomplete"),
    ],
)
def test_clean_refuses_what_cognito_or_the_form_could_not_use(values, field_name, code):
    with pytest.raises(ValidationError) as caught:
        field(**values).full_clean()
    assert code in codes(caught.value)[field_name]


@pytest.mark.parametrize(
    "values",
    [
        {"attribute_name": "custom:invite", "destination": "validation_data", "required": True},
        {"attribute_name": "invite_code", "destination": "validation_data"},
        {"attribute_name": "campaign.source", "destination": "client_metadata"},
        {"attribute_name": "phone_number", "input_type": "tel", "phone_region": "GB"},
        {"attribute_name": "custom:age", "input_type": "number", "min_value": Decimal(0), "max_value": Decimal(150)},
        {"input_type": "select", "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
        {"input_type": "checkbox", "initial": "true"},
        {"regex": "[a-z]+", "regex_message": "Lower-case letters only.", "min_length": 2, "max_length": 20},
    ],
)
def test_clean_accepts_sound_configurations(values):
    sound = field(**values)

    sound.full_clean()
    sound.save()  # and the database's constraints agree

    assert AttributeField.objects.filter(pk=sound.pk, attribute_name=sound.attribute_name).exists()


@pytest.mark.parametrize(
    ("attribute", "input_type", "token"),
    [
        ("email", "email", "email"),
        ("given_name", "text", "given-name"),
        ("family_name", "text", "family-name"),
        ("phone_number", "tel", "tel"),
        ("birthdate", "date", "bday"),
        ("locale", "text", "language"),
        ("website", "url", "url"),
        ("address", "textarea", "street-address"),
        ("custom:work_email", "email", "email"),
        ("custom:company", "text", ""),
    ],
)
def test_the_default_autocomplete_token_follows_the_attribute(attribute, input_type, token):
    assert default_autocomplete(attribute, input_type) == token
