"""SignUpForm / ConfirmForm: validation and normalisation only."""

from __future__ import annotations

import copy
import pickle

import pytest
from django import forms

from signup.forms import ConfirmForm, SignUpForm
from signup.models import AttributeField
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


# --- Fields built from the admin configuration ---------------------------------------------------------------------


def spec(name, input_type="text", **values):
    return FieldSpec(
        attribute_name=name,
        label=values.pop("label", name),
        help_text="",
        input_type=input_type,
        required=False,
        **values,
    )


def clean_one(field_spec, value):
    form = SignUpForm(
        {"username": "alice", "password": "pass phrase 123", field_spec.attribute_name: value}, fields=[field_spec]
    )
    return form


def cleaned(field_spec, value):
    form = clean_one(field_spec, value)
    assert form.is_valid(), form.errors
    return form.cleaned_data[field_spec.attribute_name]


def error_code(field_spec, value):
    form = clean_one(field_spec, value)
    assert not form.is_valid()
    return form.errors.as_data()[field_spec.attribute_name][0].code


@pytest.mark.parametrize(
    ("typed", "region", "default_region", "sent"),
    [
        ("+44 7400 123456", "", "", "+447400123456"),
        ("07400 123456", "GB", "", "+447400123456"),
        ("07400 123456", "", "GB", "+447400123456"),
        ("(201) 555-0123", "US", "GB", "+12015550123"),
    ],
)
def test_phone_numbers_are_sent_in_e164(settings, typed, region, default_region, sent):
    settings.SIGNUP_PHONE_DEFAULT_REGION = default_region
    assert cleaned(spec("phone_number", "tel", phone_region=region), typed) == sent


@pytest.mark.parametrize("typed", ["07400 123456", "+44 12", "not a number", "+999 123456"])
def test_phone_numbers_that_cannot_be_made_e164_are_refused(settings, typed):
    settings.SIGNUP_PHONE_DEFAULT_REGION = ""
    assert error_code(spec("phone_number", "tel"), typed) == "invalid_phone"


def test_dates_are_sent_as_yyyy_mm_dd_and_nothing_else_is_accepted():
    birthdate = spec("birthdate", "date")
    assert cleaned(birthdate, "1990-01-31") == "1990-01-31"
    assert error_code(birthdate, "31/01/1990") == "invalid"
    assert error_code(birthdate, "1990-02-30") == "invalid"


@pytest.mark.parametrize(
    ("typed", "sent"), [("42", "42"), ("1.50", "1.5"), ("1e1", "10"), ("-0", "0"), ("0.001", "0.001")]
)
def test_numbers_are_sent_as_plain_decimal_strings(typed, sent):
    assert cleaned(spec("custom:age", "number"), typed) == sent


@pytest.mark.parametrize(
    ("typed", "code"), [("1e999999999", "max_digits"), ("NaN", "invalid"), ("0.00000000001", "max_decimal_places")]
)
def test_numbers_that_would_not_fit_an_attribute_are_refused_cheaply(typed, code):
    assert error_code(spec("custom:age", "number"), typed) == code


def test_numbers_outside_the_configured_range_are_refused():
    age = spec("custom:age", "number", min_value="18", max_value="120")
    assert error_code(age, "17") == "min_value"
    assert error_code(age, "121") == "max_value"
    assert error_code(age, "eighteen") == "invalid"
    assert cleaned(age, "18") == "18"


def test_checkboxes_are_sent_as_true_or_false_and_a_required_one_must_be_ticked():
    newsletter = spec("custom:newsletter", "checkbox")
    assert cleaned(newsletter, "on") == "true"
    form = SignUpForm({"username": "alice", "password": "pass phrase 123"}, fields=[newsletter])
    assert form.is_valid()
    assert form.attribute_values() == [("custom:newsletter", "false")]
    terms = FieldSpec("custom:terms", "I accept the terms", "", "checkbox", True)
    assert not SignUpForm({"username": "alice", "password": "pass phrase 123"}, fields=[terms]).is_valid()


def test_a_select_accepts_only_its_configured_values():
    plan = spec("custom:plan", "select", choices=(("free", "Free"), ("pro", "Pro")))
    assert cleaned(plan, "pro") == "pro"
    assert error_code(plan, "enterprise") == "invalid_choice"


@pytest.mark.parametrize(
    ("typed", "ok"), [("https://example.com/me", True), ("javascript:alert(1)", False), ("ftp://x.example", False)]
)
def test_urls_must_be_http_or_https(typed, ok):
    website = spec("website", "url")
    assert clean_one(website, typed).is_valid() is ok


def test_the_admins_pattern_must_match_the_whole_value_and_its_own_message_is_shown():
    code = spec("custom:code", "text", regex="[A-Z]{3}", regex_message="Three capital letters, e.g. ABC.")
    assert cleaned(code, "ABC") == "ABC"
    form = clean_one(code, "ABCD")
    assert form.errors.as_data()["custom:code"][0].code == "pattern"
    assert form.errors["custom:code"] == ["Three capital letters, e.g. ABC."]


def test_configured_lengths_apply_to_text_and_textarea():
    for input_type in ("text", "textarea"):
        bio = spec("custom:bio", input_type, min_length=3, max_length=5)
        assert error_code(bio, "ab") == "min_length"
        assert error_code(bio, "abcdef") == "max_length"
        assert cleaned(bio, "abcd") == "abcd"


def test_values_go_to_their_destination_and_only_there():
    fields = [
        spec("email", "email"),
        spec("invite_code", destination="validation_data"),
        spec("campaign", destination="client_metadata"),
    ]
    form = SignUpForm(
        {
            "username": "alice",
            "password": "pass phrase 123",
            "email": "a@example.com",
            "invite_code": "XYZ-1",
            "campaign": "spring",
        },
        fields=fields,
    )
    assert form.is_valid(), form.errors
    assert form.attribute_values() == [("email", "a@example.com")]
    assert form.validation_data() == [("invite_code", "XYZ-1")]
    assert form.client_metadata() == {"campaign": "spring"}


def test_widgets_carry_type_placeholder_autocomplete_and_initial_value():
    fields = [
        spec("given_name", placeholder="Jane"),
        spec("phone_number", "tel"),
        spec("birthdate", "date"),
        spec("custom:age", "number"),
        spec("custom:team", autocomplete="organization", initial="Blue"),
        spec("custom:news", "checkbox", initial="true"),
    ]
    html = str(SignUpForm(fields=fields))
    assert 'placeholder="Jane"' in html
    assert 'autocomplete="given-name"' in html
    assert 'type="tel"' in html
    assert 'autocomplete="tel"' in html
    assert 'type="date"' in html
    assert 'autocomplete="bday"' in html
    assert 'type="number"' in html
    assert 'autocomplete="organization"' in html
    assert 'value="Blue"' in html
    assert 'name="custom:news" autocomplete' not in html
    assert "checked" in html


@pytest.mark.django_db
def test_a_field_spec_from_the_model_is_plain_frozen_and_picklable():
    model = AttributeField.objects.create(
        attribute_name="custom:plan",
        label="Plan",
        input_type="select",
        choices=[{"value": "free", "label": "Free"}],
        destination="validation_data",
    )
    field_spec = FieldSpec.from_model(model)
    assert pickle.loads(pickle.dumps(field_spec)) == field_spec
    assert field_spec.choices == (("free", "Free"),)
    assert field_spec.destination == "validation_data"


def test_each_form_gets_its_own_copy_of_a_declared_field_and_its_widget():
    first, second = SignUpForm(), SignUpForm()
    changed = first.fields["username"]
    changed.required = False
    changed.widget.attrs["data-changed"] = "yes"
    changed.error_messages["required"] = "changed"
    changed.validators.append(lambda value: None)

    untouched = second.fields["username"]
    assert untouched.required
    assert "data-changed" not in untouched.widget.attrs
    assert untouched.error_messages["required"] == "Enter a username."
    assert untouched.validators == SignUpForm.base_fields["username"].validators
    assert untouched.widget is not SignUpForm.base_fields["username"].widget


@pytest.mark.parametrize("name", ["username", "password", "encoded_data", "analytics_endpoint_id"])
def test_a_declared_field_is_copied_as_django_copies_a_field(name):
    declared = SignUpForm.base_fields[name]
    ours, djangos = copy.deepcopy(declared), forms.Field.__deepcopy__(declared, {})

    assert type(ours) is type(djangos)
    assert vars(ours).keys() == vars(djangos).keys()
    assert {key: value for key, value in vars(ours).items() if key != "widget"} == {
        key: value for key, value in vars(djangos).items() if key != "widget"
    }
    assert (type(ours.widget), vars(ours.widget)) == (type(djangos.widget), vars(djangos.widget))
