"""The pool's rules for configured fields, from DescribeUserPool / DescribeUserPoolClient answers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from signup.field_rules import (
    ConfiguredField,
    PoolRules,
    attribute_field_pool_errors,
    field_from_schema,
    pool_attributes_importable,
    required_attribute_warnings,
)
from signup.models import AttributeField

STRING = {"AttributeDataType": "String", "Mutable": True, "Required": False, "DeveloperOnlyAttribute": False}
USER_POOL = {
    "SchemaAttributes": [
        {"Name": "sub", **STRING, "Mutable": False, "Required": True},
        {
            "Name": "email",
            **STRING,
            "Required": True,
            "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"},
        },
        {"Name": "email_verified", "AttributeDataType": "Boolean", "Mutable": True, "Required": False},
        {"Name": "given_name", **STRING},
        {"Name": "nickname", **STRING},
        {
            "Name": "custom:tier",
            **STRING,
            "Mutable": False,
            "StringAttributeConstraints": {"MinLength": "2", "MaxLength": "10"},
        },
        {
            "Name": "custom:age",
            **STRING,
            "AttributeDataType": "Number",
            "NumberAttributeConstraints": {"MinValue": "0", "MaxValue": "150"},
        },
        {"Name": "dev:custom:score", **STRING, "DeveloperOnlyAttribute": True},
        {"Name": "custom:internal", **STRING},
    ]
}
CLIENT = {"WriteAttributes": ["email", "given_name", "custom:tier", "custom:age"]}


@pytest.fixture
def rules():
    return PoolRules.from_descriptions(USER_POOL, CLIENT)


def errors_of(rules, **values):
    field = AttributeField(**{"label": "L", **values})
    return {name: [e.code for e in errors] for name, errors in attribute_field_pool_errors(field, rules).items()}


def test_a_writable_pool_attribute_is_accepted(rules):
    assert errors_of(rules, attribute_name="given_name") == {}


def test_an_immutable_attribute_is_fine_at_sign_up_the_only_time_it_can_be_written(rules):
    assert errors_of(rules, attribute_name="custom:tier", min_length=2, max_length=10) == {}


def test_an_attribute_missing_from_the_schema_is_refused(rules):
    assert errors_of(rules, attribute_name="custom:missing") == {"attribute_name": ["not_in_pool"]}


def test_an_attribute_the_app_client_may_not_write_is_refused(rules):
    assert errors_of(rules, attribute_name="nickname") == {"attribute_name": ["not_writable"]}
    assert errors_of(rules, attribute_name="custom:internal") == {"attribute_name": ["not_writable"]}


def test_a_developer_only_attribute_is_refused(rules):
    assert errors_of(rules, attribute_name="custom:score") == {"attribute_name": ["developer_only"]}


def test_without_write_attributes_the_client_writes_standard_attributes_only():
    rules = PoolRules.from_descriptions(USER_POOL, {})
    assert errors_of(rules, attribute_name="nickname") == {}
    assert errors_of(rules, attribute_name="custom:internal") == {"attribute_name": ["not_writable"]}


def test_a_required_attribute_is_always_writable():
    rules = PoolRules.from_descriptions(USER_POOL, {"WriteAttributes": ["given_name"]})
    assert errors_of(rules, attribute_name="email", input_type="email") == {}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, {"min_length": ["pool_min_length"]}),  # no maximum: the pool's own applies (the form enforces it)
        ({"min_length": 1, "max_length": 10}, {"min_length": ["pool_min_length"]}),
        ({"min_length": 2, "max_length": 11}, {"max_length": ["pool_max_length"]}),
        ({"min_length": 3, "max_length": 8}, {}),
    ],
)
def test_lengths_outside_the_schemas_constraints_are_refused(rules, values, expected):
    assert errors_of(rules, attribute_name="custom:tier", **values) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"input_type": "text"}, {"input_type": ["type"]}),
        ({"input_type": "number"}, {"min_value": ["pool_min_value"], "max_value": ["pool_max_value"]}),
        (
            {"input_type": "number", "min_value": Decimal(-1), "max_value": Decimal(150)},
            {"min_value": ["pool_min_value"]},
        ),
        ({"input_type": "number", "min_value": Decimal(18), "max_value": Decimal(120)}, {}),
    ],
)
def test_numbers_follow_the_schemas_number_constraints(rules, values, expected):
    assert errors_of(rules, attribute_name="custom:age", **values) == expected


def test_validation_data_and_client_metadata_are_not_checked_against_the_schema(rules):
    assert errors_of(rules, attribute_name="invite_code", destination="validation_data") == {}
    assert errors_of(rules, attribute_name="custom:missing", destination="client_metadata") == {}


def test_pool_required_attributes_missing_disabled_or_optional_are_warned_about(rules):
    def warn(*fields):
        return [name for name, _ in required_attribute_warnings(fields, rules)]

    assert warn() == ["email"]
    assert warn(ConfiguredField("email", enabled=False, required=True, destination="user_attributes")) == ["email"]
    assert warn(ConfiguredField("email", enabled=True, required=False, destination="user_attributes")) == ["email"]
    assert warn(ConfiguredField("email", enabled=True, required=True, destination="validation_data")) == ["email"]
    assert warn(ConfiguredField("email", enabled=True, required=True, destination="user_attributes")) == []


def test_importable_attributes_are_the_writable_unconfigured_ones_cognito_does_not_manage(rules):
    names = [attribute.name for attribute in pool_attributes_importable(rules, ["given_name"])]
    assert names == ["email", "custom:tier", "custom:age"]


@pytest.mark.django_db
def test_an_imported_attribute_becomes_a_disabled_field_that_meets_the_pools_rules(rules):
    (tier,) = [a for a in pool_attributes_importable(rules, []) if a.name == "custom:tier"]
    field = field_from_schema(tier, position=30)
    assert (field.enabled, field.min_length, field.max_length, field.label) == (False, 2, None, "Tier")
    field.full_clean(validate_unique=False)
    assert attribute_field_pool_errors(field, rules) == {}
