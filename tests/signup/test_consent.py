"""Consent fields: a checkbox whose label may link to the terms and privacy notice, with a version that reaches the
sign-up record (and Cognito, where the admin chose a destination)."""

from __future__ import annotations

import json

import pytest
from botocore.stub import ANY
from django.core.exceptions import ValidationError
from pytest_django.asserts import assertContains

from signup import field_config, field_rules
from signup.forms import SignUpForm
from signup.models import AttributeField, SignUpRecord
from signup.selectors import FieldSpec
from tests.helpers import CLIENT_ID, PASSWORD, SIGN_UP_RESPONSE, configure_fields, inline_formset_data

pytestmark = pytest.mark.django_db

TERMS = {
    "attribute_name": "terms",
    "label": "I accept the [terms](terms) and the [privacy notice](privacy)",
    "input_type": "consent",
    "required": True,
    "destination": "none",
    "consent_version": "2026-01",
    "consent_terms_url": "https://example.com/terms",
    "consent_privacy_url": "/privacy",
}
NEWS = {
    "attribute_name": "news",
    "label": "Send me news",
    "input_type": "consent",
    "destination": "none",
    "consent_version": "n1",
}


def spec(**values):
    field = AttributeField(**{**TERMS, **values})
    return FieldSpec.from_model(field)


def sign_up_expected(stubber, **params):
    stubber.add_response(
        "sign_up",
        SIGN_UP_RESPONSE,
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": ANY,
            "Username": "alice",
            "Password": PASSWORD,
            "UserContextData": {"IpAddress": "127.0.0.1"},
            **params,
        },
    )


# --- The form -----------------------------------------------------------------------------------------------------


def test_a_required_consent_left_unticked_is_a_field_error_and_nothing_reaches_cognito(client, stubber):
    configure_fields(TERMS, NEWS)

    response = client.post("/signup/", {"username": "alice", "password": PASSWORD, "news": "on"})

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["terms"][0].code == "required"
    stubber.assert_no_pending_responses()
    assert not SignUpRecord.objects.exists()


def test_the_ticked_consents_versions_go_to_the_record_and_an_optional_one_may_stay_unticked(client, stubber):
    configure_fields(TERMS, NEWS)
    sign_up_expected(stubber)

    client.post("/signup/", {"username": "alice", "password": PASSWORD, "terms": "on"})

    stubber.assert_no_pending_responses()
    assert SignUpRecord.objects.get().consent_versions == {"terms": "2026-01"}


@pytest.mark.parametrize(
    ("destination", "name", "params"),
    [
        ("user_attributes", "custom:terms", {"UserAttributes": [{"Name": "custom:terms", "Value": "2026-01"}]}),
        ("validation_data", "terms", {"ValidationData": [{"Name": "terms", "Value": "2026-01"}]}),
        ("client_metadata", "terms", {"ClientMetadata": {"terms": "2026-01"}}),
    ],
)
def test_the_accepted_version_reaches_cognito_where_the_admin_sends_it(client, stubber, destination, name, params):
    configure_fields({**TERMS, "attribute_name": name, "destination": destination})
    sign_up_expected(stubber, **params)

    client.post("/signup/", {"username": "alice", "password": PASSWORD, name: "on"})

    stubber.assert_no_pending_responses()
    assert SignUpRecord.objects.get().consent_versions == {name: "2026-01"}


def test_an_unticked_optional_consent_sends_nothing_to_cognito(client, stubber):
    configure_fields({**NEWS, "attribute_name": "custom:news", "destination": "user_attributes"})
    sign_up_expected(stubber)

    client.post("/signup/", {"username": "alice", "password": PASSWORD})

    stubber.assert_no_pending_responses()
    assert SignUpRecord.objects.get().consent_versions == {}


def test_the_label_links_to_the_configured_addresses_in_the_same_tab(client):
    configure_fields(TERMS)

    response = client.get("/signup/")

    assertContains(response, '<a href="https://example.com/terms">terms</a>', html=True)
    assertContains(response, '<a href="/privacy">privacy notice</a>', html=True)
    assert b"target=" not in response.content


def test_markup_in_the_label_and_the_address_is_escaped():
    form = SignUpForm(
        fields=[spec(label="<script>alert(1)</script> [<b>terms</b>](terms)", consent_terms_url='/t?a="><x')]
    )

    label = str(form.fields["terms"].label)

    assert "<script>" not in label
    assert "&lt;script&gt;" in label
    assert label.endswith('<a href="/t?a=&quot;&gt;&lt;x">&lt;b&gt;terms&lt;/b&gt;</a>')


def test_the_error_summary_names_the_consent_without_a_link_inside_its_link(client):
    configure_fields(TERMS)

    response = client.post("/signup/", {"username": "alice", "password": PASSWORD})

    assertContains(response, "I accept the terms and the privacy notice: Tick this box to continue.")


# --- The model's own rules ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "//evil.example/terms", "data:text/html,x", "ftp://example.com/t", "/a b"]
)
def test_only_http_addresses_and_paths_on_this_site_are_accepted(url):
    field = AttributeField(**{**TERMS, "consent_terms_url": url})

    with pytest.raises(ValidationError) as caught:
        field.full_clean()

    assert caught.value.error_dict["consent_terms_url"][0].code == "url"


def test_a_consent_needs_a_version_and_an_address_for_each_link_in_its_label():
    field = AttributeField(**{**TERMS, "consent_version": "", "consent_privacy_url": ""})

    with pytest.raises(ValidationError) as caught:
        field.full_clean()

    codes = {name: [e.code for e in errors] for name, errors in caught.value.error_dict.items()}
    assert codes == {"consent_version": ["consent_version_missing"], "consent_privacy_url": ["url"]}


def test_only_consents_may_stay_out_of_the_cognito_request_or_carry_a_version():
    field = AttributeField(attribute_name="nickname", label="N", destination="none", consent_version="v1")

    with pytest.raises(ValidationError) as caught:
        field.full_clean()

    assert {e.code for errors in caught.value.error_dict.values() for e in errors} == {"not_consent"}


# --- Configuration as code and the pool ---------------------------------------------------------------------------


def test_export_then_import_keeps_the_consent_fields():
    configure_fields(TERMS, NEWS)
    exported = field_config.attribute_field_config_export()

    field_config.attribute_field_config_import(json.loads(json.dumps(exported)), rules=None)

    assert field_config.attribute_field_config_export() == exported
    assert exported["fields"][0]["consent_terms_url"] == "https://example.com/terms"


def test_an_import_with_a_dangerous_link_is_refused_whole():
    configure_fields(NEWS)
    document = {"version": 1, "fields": [{**TERMS, "consent_terms_url": "javascript:alert(1)"}]}

    with pytest.raises(field_config.FieldConfigError, match="consent_terms_url"):
        field_config.attribute_field_config_import(document, rules=None)

    assert list(AttributeField.objects.values_list("attribute_name", flat=True)) == ["news"]


def _rules(attribute):
    pool = {"SchemaAttributes": [attribute]}
    client = {"WriteAttributes": [attribute["Name"]]}
    return field_rules.PoolRules.from_descriptions(pool, client)


def test_the_pool_must_keep_the_version_in_a_string_long_enough():
    short = {"Name": "custom:terms", "AttributeDataType": "String", "StringAttributeConstraints": {"MaxLength": "4"}}
    field = AttributeField(**{**TERMS, "attribute_name": "custom:terms", "destination": "user_attributes"})

    problems = field_rules.attribute_field_pool_errors(field, _rules(short))

    assert [e.code for e in problems["consent_version"]] == ["consent_version_too_long"]


def test_a_number_attribute_cannot_hold_a_consent():
    number = {"Name": "custom:terms", "AttributeDataType": "Number"}
    field = AttributeField(**{**TERMS, "attribute_name": "custom:terms", "destination": "user_attributes"})

    problems = field_rules.attribute_field_pool_errors(field, _rules(number))

    assert "type" in [e.code for e in problems["input_type"]]


def test_the_admin_preview_shows_a_consent_ticked_in_the_request(admin_client):
    configure_fields({**TERMS, "attribute_name": "terms", "destination": "client_metadata"})

    response = admin_client.get("/admin/signup/attributefield/preview/")

    assertContains(response, "&quot;terms&quot;: &quot;2026-01&quot;")


def test_the_admin_saves_a_consent_and_refuses_a_script_link(admin_client):
    form = {
        **{k: v for k, v in TERMS.items() if k != "required"},
        "required": "on",
        "enabled": "on",
        "position": "5",
        "choices": "[]",
        **inline_formset_data("translations"),
    }

    refused = admin_client.post("/admin/signup/attributefield/add/", {**form, "consent_terms_url": "javascript:x"})
    saved = admin_client.post("/admin/signup/attributefield/add/", form)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors.as_data()["consent_terms_url"][0].code == "url"
    assert saved.status_code == 302
    assert AttributeField.objects.get(attribute_name="terms").consent_version == "2026-01"
