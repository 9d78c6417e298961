"""The preview's building blocks: redaction of the SignUp request and the sample values."""

from __future__ import annotations

import pytest

from signup import cognito
from signup.forms import SignUpForm
from signup.preview import sample_data, sample_value
from signup.selectors import FieldSpec


def spec(name, input_type="text", **values):
    return FieldSpec(attribute_name=name, label=name, help_text="", input_type=input_type, required=True, **values)


def test_redaction_hides_password_secret_hash_and_risk_data_and_leaves_the_request_untouched(cognito_settings):
    params = cognito.build_sign_up_request(
        cognito.SignUpRequest(
            username="alice", password="hunter2-hunter2", user_attributes=(("email", "a@example.com"),)
        ),
        cognito.RequestContext(ip_address="203.0.113.7", encoded_data="fingerprint"),
    )

    redacted = cognito.redact_request(params)

    assert redacted["Password"] == redacted["SecretHash"] == cognito.REDACTED
    assert redacted["UserContextData"] == {"IpAddress": "203.0.113.7", "EncodedData": cognito.REDACTED}
    assert redacted["UserAttributes"] == [{"Name": "email", "Value": "a@example.com"}]
    assert params["Password"] == "hunter2-hunter2"
    assert params["SecretHash"] == cognito.secret_hash(
        "alice", cognito_settings.COGNITO_CLIENT_ID, cognito_settings.COGNITO_CLIENT_SECRET
    )
    assert params["UserContextData"]["EncodedData"] == "fingerprint"


def test_without_a_client_secret_there_is_no_secret_hash_to_redact(cognito_settings):
    cognito_settings.COGNITO_CLIENT_SECRET = ""

    redacted = cognito.redact_request(
        cognito.build_sign_up_request(cognito.SignUpRequest(username="alice", password="pw"))
    )

    assert "SecretHash" not in redacted


@pytest.mark.parametrize(
    ("field_spec", "value"),
    [
        (spec("custom:age", "number", min_value="50", max_value="60"), "50"),
        (spec("custom:age", "number", max_value="10"), "10"),
        (spec("custom:plan", "select", choices=(("pro", "Pro"),)), "pro"),
        (spec("custom:terms", "checkbox"), "on"),
        (spec("custom:code", min_length=8), "Samplexx"),
        (spec("custom:team", initial="Blue"), "Blue"),
        (spec("phone_number", "tel"), "+447400123456"),
    ],
)
def test_sample_values_fit_the_fields_rules(field_spec, value):
    assert sample_value(field_spec) == value


def test_sample_values_for_the_usual_attributes_pass_the_form():
    specs = [
        spec("email", "email"),
        spec("phone_number", "tel"),
        spec("birthdate", "date"),
        spec("website", "url"),
        spec("given_name"),
        spec("custom:age", "number", min_value="18"),
        spec("custom:terms", "checkbox"),
    ]
    form = SignUpForm(sample_data(specs), fields=specs)
    assert form.is_valid(), form.errors
