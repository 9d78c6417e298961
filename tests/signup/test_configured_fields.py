"""The admin-configured form at run time, end to end: what the user sees, and what reaches Cognito."""

from __future__ import annotations

import uuid

import pytest
from botocore.stub import ANY
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from signup.models import AttributeField
from tests.helpers import CLIENT_ID, configure_fields

pytestmark = pytest.mark.django_db

PASSWORD = "s3cret-Passphrase!"
SIGN_UP_RESPONSE = {"UserConfirmed": False, "UserSub": "5c1b6f3e-1111-4222-8333-944445555666"}


def test_every_input_type_and_destination_reaches_cognito_normalised(client, stubber, settings):
    settings.SIGNUP_PHONE_DEFAULT_REGION = "GB"
    configure_fields(
        {"attribute_name": "email", "label": "Email", "input_type": "email", "required": True},
        {"attribute_name": "phone_number", "label": "Phone", "input_type": "tel"},
        {"attribute_name": "birthdate", "label": "Birthday", "input_type": "date"},
        {"attribute_name": "website", "label": "Website", "input_type": "url"},
        {"attribute_name": "address", "label": "Address", "input_type": "textarea"},
        {"attribute_name": "custom:age", "label": "Age", "input_type": "number", "min_value": 0, "max_value": 150},
        {
            "attribute_name": "custom:plan",
            "label": "Plan",
            "input_type": "select",
            "choices": [{"value": "free", "label": "Free"}, {"value": "pro", "label": "Pro"}],
        },
        {"attribute_name": "custom:newsletter", "label": "News", "input_type": "checkbox"},
        {"attribute_name": "given_name", "label": "First name", "input_type": "text"},
        {"attribute_name": "invite_code", "label": "Invite", "destination": "validation_data", "required": True},
        {"attribute_name": "campaign", "label": "Campaign", "destination": "client_metadata"},
        {"attribute_name": "nickname", "label": "Disabled", "enabled": False},
    )
    stubber.add_response(
        "sign_up",
        SIGN_UP_RESPONSE,
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": ANY,
            "Username": "alice",
            "Password": PASSWORD,
            "UserAttributes": [
                {"Name": "email", "Value": "alice@example.com"},
                {"Name": "phone_number", "Value": "+447400123456"},
                {"Name": "birthdate", "Value": "1990-01-31"},
                {"Name": "website", "Value": "https://alice.example"},
                {"Name": "address", "Value": "1 Main St\nTown"},
                {"Name": "custom:age", "Value": "42"},
                {"Name": "custom:plan", "Value": "pro"},
                {"Name": "custom:newsletter", "Value": "true"},
                {"Name": "given_name", "Value": "Alice"},
            ],
            "ValidationData": [{"Name": "invite_code", "Value": "XYZ-123"}],
            "ClientMetadata": {"campaign": "spring"},
            "UserContextData": {"IpAddress": "127.0.0.1"},
        },
    )

    response = client.post(
        "/signup/",
        {
            "username": "alice",
            "password": PASSWORD,
            "email": "alice@example.com",
            "phone_number": "07400 123456",
            "birthdate": "1990-01-31",
            "website": "https://alice.example",
            "address": "1 Main St\nTown",
            "custom:age": "42.0",
            "custom:plan": "pro",
            "custom:newsletter": "on",
            "given_name": "  Alice  ",
            "invite_code": "XYZ-123",
            "campaign": "spring",
            "nickname": "not configured as enabled",
        },
    )

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)


def test_posted_keys_that_are_not_configured_fields_never_reach_cognito(client, stubber):
    configure_fields({"attribute_name": "email", "label": "Email", "input_type": "email", "required": True})
    stubber.add_response(
        "sign_up",
        SIGN_UP_RESPONSE,
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": ANY,
            "Username": "alice",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}],
            "UserContextData": {"IpAddress": "127.0.0.1"},
        },
    )

    response = client.post(
        "/signup/",
        {
            "username": "alice",
            "password": PASSWORD,
            "email": "alice@example.com",
            "custom:role": "admin",
            "email_verified": "true",
            "phone_number_verified": "true",
            "ValidationData": "x",
            "ClientMetadata": "y",
        },
    )

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)


def test_a_locally_invalid_value_is_shown_on_its_field_and_nothing_is_sent(client, stubber):
    configure_fields({"attribute_name": "custom:age", "label": "Age", "input_type": "number", "min_value": 18})

    response = client.post("/signup/", {"username": "alice", "password": PASSWORD, "custom:age": "12"})

    assert response.status_code == 200
    assertContains(response, 'id="id_custom:age_error"')


def test_labels_help_texts_placeholders_and_choices_are_rendered_escaped(client):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    configure_fields(
        {"attribute_name": "given_name", "label": attack, "help_text": attack, "placeholder": attack},
        {
            "attribute_name": "custom:plan",
            "label": "Plan",
            "input_type": "select",
            "choices": [{"value": "a", "label": attack}],
        },
    )

    response = client.get("/signup/")

    assertNotContains(response, "<script>alert")
    assertNotContains(response, "<img src=x")
    assertContains(response, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;", count=4)


def test_every_change_to_the_fields_is_seen_by_the_next_request_whatever_path_made_it(client):
    configure_fields({"attribute_name": "given_name", "label": "First name"})
    assertContains(client.get("/signup/"), "First name")

    AttributeField.objects.filter(attribute_name="given_name").update(label="Given name")  # a bulk update
    assertContains(client.get("/signup/"), "Given name")

    field = AttributeField.objects.get(attribute_name="given_name")
    field.label = "Forename"
    field.save()  # what the admin does
    assertContains(client.get("/signup/"), "Forename")

    AttributeField.objects.all().delete()
    assertNotContains(client.get("/signup/"), "Forename")


def test_the_form_is_built_once_per_configuration_revision(client, django_assert_num_queries):
    configure_fields({"attribute_name": "given_name", "label": "First name"})
    client.get("/signup/")

    with django_assert_num_queries(1):  # the revision check only: the fields are this process's copy
        assertContains(client.get("/signup/"), "First name")


def test_the_pool_stores_the_normalised_values_and_lambdas_get_validation_data_and_metadata(
    client, local_cognito, admin_cognito, local_pool, settings
):
    settings.SIGNUP_PHONE_DEFAULT_REGION = "GB"
    configure_fields(
        {"attribute_name": "email", "label": "Email", "input_type": "email", "required": True},
        {"attribute_name": "phone_number", "label": "Phone", "input_type": "tel"},
        {"attribute_name": "birthdate", "label": "Birthday", "input_type": "date"},
        {
            "attribute_name": "custom:company",
            "label": "Company",
            "input_type": "select",
            "choices": [{"value": "acme", "label": "ACME"}],
        },
        {"attribute_name": "invite_code", "label": "Invite", "destination": "validation_data"},
        {"attribute_name": "campaign", "label": "Campaign", "destination": "client_metadata"},
    )
    username = f"user-{uuid.uuid4().hex[:10]}"

    response = client.post(
        "/signup/",
        {
            "username": username,
            "password": PASSWORD,
            "email": f"{username}@example.com",
            "phone_number": "07400 123456",
            "birthdate": "1990-01-31",
            "custom:company": "acme",
            "invite_code": "XYZ-123",
            "campaign": "spring",
            "custom:role": "admin",
        },
    )

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    (request,) = [r for r in local_cognito.requests if r.operation == "SignUp"]
    assert request.params["ValidationData"] == [{"Name": "invite_code", "Value": "XYZ-123"}]
    assert request.params["ClientMetadata"] == {"campaign": "spring"}
    user = admin_cognito.admin_get_user(UserPoolId=local_pool.user_pool_id, Username=username)
    attributes = {item["Name"]: item["Value"] for item in user["UserAttributes"]}
    assert attributes["phone_number"] == "+447400123456"
    assert attributes["birthdate"] == "1990-01-31"
    assert attributes["custom:company"] == "acme"
    assert "custom:role" not in attributes
    assert "invite_code" not in attributes
