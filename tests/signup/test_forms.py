"""SignUpForm / ConfirmForm: validation and normalisation only."""

from __future__ import annotations

import pytest

from signup.forms import ConfirmForm, SignUpForm
from signup.selectors import FieldSpec

EMAIL = FieldSpec(attribute_name="email", label="Email address", help_text="", input_type="email", required=True)
NICKNAME = FieldSpec(attribute_name="nickname", label="Nickname", help_text="", input_type="text", required=False)


def make_form(**data):
    return SignUpForm(
        {"username": "alice", "password": "pass phrase 123", "email": "a@example.com", **data}, fields=[EMAIL, NICKNAME]
    )


@pytest.mark.parametrize("password", ["  leading and trailing spaces  ", "é" * 256, "x" * 64, "tab\tinside-123"])
def test_the_password_is_used_exactly_as_typed(password):
    form = make_form(password=password)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["password"] == password


def test_a_password_over_256_characters_is_a_clear_error():
    form = make_form(password="x" * 257)
    assert form.errors.as_data()["password"][0].code == "password_too_long"


@pytest.mark.parametrize("username", ["alice", "Zoë", "用户名", "a.b-c_d+e@example.com", "x" * 128])
def test_valid_usernames(username):
    assert make_form(username=username).is_valid()


@pytest.mark.parametrize(
    ("username", "code"),
    [
        ("a b", "username_whitespace"),
        ("a\u00a0b", "username_whitespace"),
        ("a\x00b", "null_characters_not_allowed"),
        ("a\x07b", "username_characters"),
        ("x" * 129, "max_length"),
    ],
)
def test_invalid_usernames(username, code):
    assert make_form(username=username).errors.as_data()["username"][0].code == code


def test_attribute_values_are_limited_to_2048_bytes_of_utf8():
    assert make_form(nickname="é" * 1024).is_valid()
    assert make_form(nickname="é" * 1025).errors.as_data()["nickname"][0].code == "too_long"


def test_only_configured_fields_filled_in_reach_the_attribute_list():
    form = make_form(**{"custom:role": "admin", "email_verified": "true"})
    assert form.is_valid()
    assert form.attribute_values() == [("email", "a@example.com")]


def test_configuration_cannot_shadow_username_or_password():
    spec = FieldSpec(attribute_name="username", label="Evil", help_text="", input_type="text", required=False)
    form = SignUpForm(fields=[spec])
    assert form.fields["username"].label == "Username"


@pytest.mark.parametrize(("typed", "cleaned"), [("123456", "123456"), (" 123 456 ", "123456"), ("123-456", "123456")])
def test_confirmation_codes_are_normalised(typed, cleaned):
    form = ConfirmForm({"code": typed})
    assert form.is_valid()
    assert form.cleaned_data["code"] == cleaned


@pytest.mark.parametrize("typed", ["12345\n", "abcdef", "1" * 11, ""])
def test_malformed_codes_are_rejected_locally(typed):
    assert not ConfirmForm({"code": typed}).is_valid()
