"""Property tests over every form, posted through Django's test client: whatever arrives, the answer
is never a 500; input that fails local validation never reaches Cognito, and input that passes reaches it exactly
once, with parameters botocore's model accepts (the Stubber checks every call against it).

Examples per form: 2,000 by default (CI); `HYPOTHESIS_PROFILE=long` runs 50,000 per form (see docs/production.md).
"""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from signup.forms import ConfirmForm, ResumeForm, SignUpForm
from signup.journey import Journey, journey_save
from signup.models import AttributeField
from signup.selectors import attribute_field_list_active
from tests.helpers import SIGN_UP_RESPONSE

pytestmark = pytest.mark.django_db

_COMMON = {
    "deadline": None,
    "database": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
}
hypothesis_settings.register_profile("fuzz-ci", max_examples=2_000, **_COMMON)
hypothesis_settings.register_profile("fuzz-long", max_examples=50_000, **_COMMON)
FUZZ = hypothesis_settings.get_profile("fuzz-long" if os.environ.get("HYPOTHESIS_PROFILE") == "long" else "fuzz-ci")

# Values that have broken forms before: empty, blank, control characters, NUL, overlong, markup, look-alike digits,
# bidi overrides, emoji and combining marks, attribute names, and numbers in odd notations.
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\r\n",
        "12345\n",
        "123456\n",
        " 123 456 ",
        "١٢٣٤٥٦",
        "\uff11\uff12\uff13\uff14\uff15\uff16",  # fullwidth digits
        "x" * 2049,
        "é" * 1025,
        "a" * 129,
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "\u202eevil",
        "👩‍💻" * 20,
        "e\u0301" * 10,
        "custom:role",
        "admin@example.com",
        "+4915112345678",
        "1990-02-30",
        "1e308",
        "NaN",
        "-0",
        "on",
        "true",
    ]
)
TEXT = st.text(max_size=300)
PLAUSIBLE = st.one_of(
    st.emails(),
    st.from_regex(r"\A[a-z][a-z0-9._-]{0,30}\Z"),
    st.from_regex(r"\A\+[1-9][0-9]{6,14}\Z"),
    st.dates().map(str),
    st.integers().map(str),
)
VALUE = st.one_of(TEXT, NASTY, PLAUSIBLE)
PASSWORD = st.one_of(TEXT, NASTY, st.text(min_size=15, max_size=80))
USERNAME = st.one_of(TEXT, NASTY, st.from_regex(r"\A[A-Za-z0-9._@+-]{1,40}\Z"))
EXTRA_KEYS = st.dictionaries(
    st.sampled_from(["custom:role", "email_verified", "UserAttributes", "username[]", "csrfmiddlewaretoken"]),
    VALUE,
    max_size=2,
)

# Every input type, lengths, a pattern, a number range, choices and every destination (issue 3's options).
CONFIGURED_FIELDS = [
    {"attribute_name": "given_name", "input_type": "text", "min_length": 2, "max_length": 40},
    {"attribute_name": "phone_number", "input_type": "tel", "phone_region": "DE"},
    {"attribute_name": "birthdate", "input_type": "date"},
    {"attribute_name": "website", "input_type": "url"},
    {"attribute_name": "custom:age", "input_type": "number", "min_value": 16, "max_value": 130},
    {"attribute_name": "custom:company", "input_type": "textarea"},
    {"attribute_name": "custom:newsletter", "input_type": "checkbox"},
    {
        "attribute_name": "custom:plan",
        "input_type": "select",
        "choices": [{"value": "free", "label": "Free"}, {"value": "pro", "label": "Pro"}],
    },
    {
        "attribute_name": "custom:invite",
        "input_type": "text",
        "regex": r"^[A-Z]{4}-[0-9]{4}$",
        "regex_message": "Four letters, a dash, four digits.",
        "destination": "validation_data",
    },
    {"attribute_name": "custom:source", "input_type": "text", "destination": "client_metadata"},
]


@pytest.fixture
def configured_fields(db):
    for position, options in enumerate(CONFIGURED_FIELDS, start=20):
        field = AttributeField(label=options["attribute_name"].title(), position=position, **options)
        field.full_clean()
        field.save()
    return attribute_field_list_active()


@pytest.fixture
def no_rate_limits(settings):
    settings.SIGNUP_RATE_LIMIT = "off"


def _form_names(form) -> list[str]:
    return [name for name in form.fields if name not in ("encoded_data", "analytics_endpoint_id")]


def test_b5_fuzzed_sign_up_never_500_and_only_valid_input_reaches_cognito(
    client, stubber, configured_fields, no_rate_limits
):
    names = _form_names(SignUpForm(fields=configured_fields))
    assert {"email", "birthdate", "custom:newsletter"} <= set(names)
    strategies = {name: VALUE for name in names} | {"username": USERNAME, "password": PASSWORD}
    anything = st.fixed_dictionaries({}, optional={**strategies, "encoded_data": VALUE, "analytics_endpoint_id": VALUE})
    # Mostly-valid submissions with up to two fields replaced, so both sides of the property get many examples.
    valid = st.fixed_dictionaries(
        {
            "username": st.from_regex(r"\A[a-z][a-z0-9._-]{0,30}\Z"),
            "password": st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=15, max_size=64),
            "email": st.emails(),
        }
    )
    mutated = st.tuples(valid, st.dictionaries(st.sampled_from(names), VALUE, max_size=2)).map(
        lambda pair: {**pair[0], **pair[1]}
    )
    data_strategy = st.tuples(st.one_of(anything, mutated), EXTRA_KEYS).map(lambda pair: {**pair[1], **pair[0]})
    seen = {"valid": 0, "invalid": 0}

    @FUZZ
    @given(data=data_strategy)
    def check(data):
        valid = SignUpForm(data, fields=configured_fields).is_valid()
        if valid:
            stubber.add_response("sign_up", SIGN_UP_RESPONSE)
        response = client.post("/signup/", data)
        stubber.assert_no_pending_responses()  # valid input: exactly one model-valid SignUp
        if valid:
            assert response.status_code == 302, response.status_code
        else:
            assert response.status_code == 200, response.status_code
            assert response.context["error_code"] == ""  # a local error, nothing from (a missing) Cognito reply
            assert response.context["form"].errors
        seen["valid" if valid else "invalid"] += 1

    started = time.monotonic()
    check()
    print(f"sign-up fuzz: {seen} in {time.monotonic() - started:.1f}s")
    assert seen["valid"] > 0
    assert seen["invalid"] > 0


def test_b5_fuzzed_confirm_never_500_and_only_well_formed_codes_reach_cognito(client, stubber, no_rate_limits):
    session = client.session
    journey_save(
        session, Journey(username="alice", user_sub="sub-1", confirmed=False, delivery=None, code_sent_at=time.time())
    )
    session.save()
    code = st.one_of(VALUE, st.from_regex(r"\A\s*[0-9]{3}[ -]?[0-9]{3}\s*\Z"))
    data_strategy = st.fixed_dictionaries({}, optional={"code": code, "username": USERNAME})
    seen = {"valid": 0, "invalid": 0}

    @FUZZ
    @given(data=data_strategy)
    def check(data):
        valid = ConfirmForm(data).is_valid()
        if valid:
            # A wrong code keeps the journey unconfirmed, so every later example still reaches the form.
            stubber.add_client_error("confirm_sign_up", service_error_code="CodeMismatchException")
        response = client.post("/signup/confirm/", data)
        stubber.assert_no_pending_responses()
        if valid:  # a wrong code: back to the code step through a redirect, never a 500
            assert (response.status_code, response["Location"]) == (302, "/signup/confirm/")
        else:
            assert response.status_code == 200, response.status_code
            assert response.context["error_code"] == ""
        seen["valid" if valid else "invalid"] += 1

    started = time.monotonic()
    check()
    print(f"confirm fuzz: {seen} in {time.monotonic() - started:.1f}s")
    assert seen["valid"] > 0
    assert seen["invalid"] > 0


def test_b5_fuzzed_resume_never_500_and_only_valid_usernames_reach_cognito(client, stubber, no_rate_limits):
    data_strategy = st.fixed_dictionaries({}, optional={"username": USERNAME, "code": VALUE})
    seen = {"valid": 0, "invalid": 0}

    @FUZZ
    @given(data=data_strategy)
    def check(data):
        valid = ResumeForm(data).is_valid()
        if valid:
            stubber.add_client_error(
                "resend_confirmation_code",
                service_error_code="InvalidParameterException",
                service_message="User is already confirmed.",
            )
        response = client.post("/signup/resume/", data)
        stubber.assert_no_pending_responses()
        assert response.status_code == 200, response.status_code
        assert response.context["error_code"] == ("already_confirmed" if valid else "")
        seen["valid" if valid else "invalid"] += 1

    started = time.monotonic()
    check()
    print(f"resume fuzz: {seen} in {time.monotonic() - started:.1f}s")
    assert seen["valid"] > 0
    assert seen["invalid"] > 0
