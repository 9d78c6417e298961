"""The attribute-field admin against a moto user pool with required, immutable, custom and developer-only attributes
and an app client with restricted write attributes; and without any pool to read."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from botocore.stub import ANY
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from signup import cognito
from signup.checks import signup_required_attributes_check
from signup.models import AttributeField
from tests.helpers import closed_port, inline_formset_data

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/signup/attributefield/add/"
LIST_URL = "/admin/signup/attributefield/"
PREVIEW_URL = "/admin/signup/attributefield/preview/"
STRING = {"AttributeDataType": "String", "Mutable": True}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def strict_pool(local_cognito_server):
    """A pool shaped like a real one that has been lived in, and an app client that may write only some attributes."""
    idp = boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url=local_cognito_server.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    pool = idp.create_user_pool(
        PoolName=f"admin-tests-{uuid.uuid4().hex[:8]}",
        Schema=[
            {"Name": "email", **STRING, "Required": True},
            {"Name": "given_name", **STRING},
            {"Name": "family_name", **STRING},
            {"Name": "nickname", **STRING},
            {"Name": "phone_number", **STRING},
            {
                "Name": "tier",
                **STRING,
                "Mutable": False,
                "StringAttributeConstraints": {"MinLength": "2", "MaxLength": "10"},
            },
            {
                "Name": "age",
                "AttributeDataType": "Number",
                "NumberAttributeConstraints": {"MinValue": "0", "MaxValue": "150"},
            },
            {"Name": "score", **STRING, "DeveloperOnlyAttribute": True},
            {"Name": "internal", **STRING},
        ],
    )["UserPool"]
    client = idp.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="portal",
        GenerateSecret=True,
        WriteAttributes=["email", "given_name", "family_name", "phone_number", "custom:tier", "custom:age"],
    )["UserPoolClient"]
    return {
        "pool_id": pool["Id"],
        "client_id": client["ClientId"],
        "client_secret": client["ClientSecret"],
        "endpoint": local_cognito_server.endpoint_url,
    }


@pytest.fixture
def strict_cognito(strict_pool, settings, monkeypatch):
    settings.COGNITO_USER_POOL_ID = strict_pool["pool_id"]
    settings.COGNITO_REGION = "us-east-1"
    settings.COGNITO_CLIENT_ID = strict_pool["client_id"]
    settings.COGNITO_CLIENT_SECRET = strict_pool["client_secret"]
    settings.COGNITO_LOCAL = False
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", strict_pool["endpoint"])
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    cognito.reset_clients()
    return strict_pool


@pytest.fixture
def no_credentials(cognito_settings, monkeypatch, tmp_path):
    """A real-looking pool id, but no AWS credentials anywhere (as on a web server with no IAM role)."""
    cognito_settings.COGNITO_LOCAL = False
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", f"http://127.0.0.1:{closed_port()}")
    cognito.reset_clients()


def field_form(**values):
    data = {
        "attribute_name": "given_name",
        "destination": "user_attributes",
        "label": "First name",
        "help_text": "",
        "placeholder": "",
        "input_type": "text",
        "enabled": "on",
        "position": "20",
        "initial": "",
        "autocomplete": "",
        "min_length": "",
        "max_length": "",
        "regex": "",
        "regex_message": "",
        "min_value": "",
        "max_value": "",
        "choices": "[]",
        "phone_region": "",
        **inline_formset_data("translations"),
    }
    data.update(values)
    return data


def form_errors(response):
    return {
        name: [e.code for e in errors] for name, errors in response.context["adminform"].form.errors.as_data().items()
    }


def test_a_writable_attribute_is_saved(admin_client, strict_cognito):
    response = admin_client.post(ADD_URL, field_form())

    assertRedirects(response, LIST_URL)
    assert AttributeField.objects.filter(attribute_name="given_name").exists()


def test_an_immutable_custom_attribute_within_the_schemas_lengths_is_saved(admin_client, strict_cognito):
    response = admin_client.post(
        ADD_URL, field_form(attribute_name="custom:tier", label="Tier", min_length="2", max_length="10")
    )

    assertRedirects(response, LIST_URL)


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"attribute_name": "custom:missing"}, {"attribute_name": ["not_in_pool"]}),
        ({"attribute_name": "middle_name"}, {"attribute_name": ["not_in_pool"]}),
        ({"attribute_name": "nickname"}, {"attribute_name": ["not_writable"]}),
        ({"attribute_name": "custom:internal"}, {"attribute_name": ["not_writable"]}),
        ({"attribute_name": "custom:score"}, {"attribute_name": ["developer_only"]}),
        # An unset maximum means "the pool's maximum": only the minimum the pool requires is missing.
        ({"attribute_name": "custom:tier"}, {"min_length": ["pool_min_length"]}),
        ({"attribute_name": "custom:tier", "min_length": "2", "max_length": "50"}, {"max_length": ["pool_max_length"]}),
        (
            {"attribute_name": "custom:age", "input_type": "number", "min_value": "-5", "max_value": "150"},
            {"min_value": ["pool_min_value"]},
        ),
        ({"attribute_name": "custom:age"}, {"input_type": ["type"]}),
    ],
)
def test_what_cognito_would_reject_is_refused_with_a_message_on_the_field(admin_client, strict_cognito, values, errors):
    response = admin_client.post(ADD_URL, field_form(**values))

    assert response.status_code == 200
    assert form_errors(response) == errors
    assert not AttributeField.objects.filter(attribute_name=values["attribute_name"]).exists()


def test_the_refusal_says_what_to_do(admin_client, strict_cognito):
    response = admin_client.post(ADD_URL, field_form(attribute_name="nickname"))

    assertContains(response, "The app client may not write nickname. Add it to the app client&#x27;s write attributes.")


def test_validation_data_is_not_checked_against_the_pool_schema(admin_client, strict_cognito):
    response = admin_client.post(
        ADD_URL, field_form(attribute_name="invite_code", destination="validation_data", label="Invite code")
    )

    assertRedirects(response, LIST_URL)


def test_pool_required_attributes_missing_disabled_or_optional_are_warned_about_in_the_list(
    admin_client, strict_cognito
):
    AttributeField.objects.filter(attribute_name="email").update(enabled=False)

    response = admin_client.get(LIST_URL)

    assertContains(response, "The user pool requires email, but its field is disabled.", count=2)  # message + row

    AttributeField.objects.filter(attribute_name="email").update(enabled=True, required=False)
    assertContains(admin_client.get(LIST_URL), "The user pool requires email, but its field is optional.")

    AttributeField.objects.filter(attribute_name="email").delete()
    assertContains(admin_client.get(LIST_URL), "The user pool requires email, but the form does not ask for it.")

    AttributeField.objects.create(attribute_name="email", label="Email", input_type="email", required=True)
    assertNotContains(admin_client.get(LIST_URL), "The user pool requires")


def test_the_list_flags_fields_saved_before_the_pool_changed(admin_client, strict_cognito):
    AttributeField.objects.create(attribute_name="custom:score", label="Score")

    response = admin_client.get(LIST_URL)

    assertContains(response, "custom:score is a developer-only attribute")


def test_the_system_check_warns_about_required_attributes_only_when_asked_to_look_at_the_database(strict_cognito):
    AttributeField.objects.filter(attribute_name="email").update(required=False)

    (warning,) = signup_required_attributes_check(databases=["default"])

    assert warning.id == "signup.W010"
    assert "requires email" in warning.msg
    assert signup_required_attributes_check(databases=None) == []


def test_the_system_check_is_silent_when_the_pool_cannot_be_read(no_credentials):
    AttributeField.objects.filter(attribute_name="email").update(required=False)

    assert signup_required_attributes_check(databases=["default"]) == []


def test_the_import_action_adds_every_writable_unconfigured_pool_attribute_as_a_disabled_field(
    admin_client, strict_cognito
):
    response = admin_client.post(LIST_URL, {"action": "import_pool_attributes"}, follow=True)

    imported = dict(AttributeField.objects.exclude(attribute_name="email").values_list("attribute_name", "enabled"))
    assert imported == {
        "given_name": False,
        "family_name": False,
        "phone_number": False,
        "custom:tier": False,
        "custom:age": False,
    }
    assertContains(response, "Added 5 disabled field(s) to review")
    tier = AttributeField.objects.get(attribute_name="custom:tier")
    # No maximum copied: unset means "the pool's maximum", which the form applies itself.
    assert (tier.min_length, tier.max_length) == (2, None)
    assert AttributeField.objects.get(attribute_name="phone_number").input_type == "tel"

    again = admin_client.post(LIST_URL, {"action": "import_pool_attributes"}, follow=True)
    assertContains(again, "Every writable pool attribute already has a field.")


def test_without_credentials_the_admin_says_so_and_applies_local_checks_only(admin_client, no_credentials):
    assertContains(admin_client.get(LIST_URL), "The user pool could not be read")
    assertContains(admin_client.get(ADD_URL), "The user pool could not be read")

    accepted = admin_client.post(ADD_URL, field_form(attribute_name="custom:anything", label="Anything"))
    assertRedirects(accepted, LIST_URL)
    refused = admin_client.post(ADD_URL, field_form(attribute_name="email_verified"))
    assert form_errors(refused) == {"attribute_name": ["invalid_attribute_name"]}

    action = admin_client.post(LIST_URL, {"action": "import_pool_attributes"}, follow=True)
    assertContains(action, "The user pool could not be read")


# --- The preview ---------------------------------------------------------------------------------------------------


def preview_fields():
    AttributeField.objects.all().delete()
    AttributeField.objects.create(attribute_name="email", label="Email address", input_type="email", required=True)
    AttributeField.objects.create(attribute_name="given_name", label="First name", position=1)
    AttributeField.objects.create(
        attribute_name="invite_code", label="Invite code", destination="validation_data", position=2
    )
    AttributeField.objects.create(attribute_name="nickname", label="Nickname", enabled=False, position=3)


def shown_request(response) -> dict:
    text = response.content.decode()
    start = text.index('<pre id="signup-request" tabindex="0">') + len('<pre id="signup-request" tabindex="0">')
    import html

    return json.loads(html.unescape(text[start : text.index("</pre>", start)]))


def test_the_preview_shows_the_live_form_and_the_request_for_sample_values_with_secrets_redacted(
    admin_client, cognito_settings
):
    preview_fields()

    response = admin_client.get(PREVIEW_URL)

    assertContains(response, '<label for="id_username">Username</label>', html=True)
    assertContains(response, 'for="id_email"')
    assertContains(response, "Invite code")
    assertNotContains(response, "Nickname")  # disabled: not in the live form
    assertNotContains(response, cognito_settings.COGNITO_CLIENT_SECRET)
    request = shown_request(response)
    assert request["Password"] == cognito.REDACTED
    assert request["SecretHash"] == cognito.REDACTED
    assert request["ClientId"] == cognito_settings.COGNITO_CLIENT_ID
    assert request["UserAttributes"] == [
        {"Name": "email", "Value": "jane.doe@example.com"},
        {"Name": "given_name", "Value": "Jane"},
    ]
    assert request["ValidationData"] == [{"Name": "invite_code", "Value": "Sample"}]


def test_the_preview_can_include_disabled_fields_before_they_are_published(admin_client, cognito_settings):
    preview_fields()

    response = admin_client.get(PREVIEW_URL + "?disabled=1")

    assertContains(response, "Nickname")
    assert {"Name": "nickname", "Value": "Jay"} in shown_request(response)["UserAttributes"]


def test_the_previewed_request_is_exactly_what_the_sign_up_sends(admin_client, client, stubber, cognito_settings):
    preview_fields()
    values = {
        "username": "alice",
        "password": "s3cret-Passphrase!",
        "email": "alice@example.com",
        "given_name": "Alice",
        "invite_code": "XYZ",
    }

    previewed = shown_request(admin_client.post(PREVIEW_URL, values))
    assert previewed["Password"] == cognito.REDACTED
    stubber.add_response(
        "sign_up",
        {"UserConfirmed": False, "UserSub": "5c1b6f3e-1111-4222-8333-944445555666"},
        expected_params={**previewed, "Password": values["password"], "SecretHash": ANY},
    )

    assertRedirects(client.post("/signup/", values), "/signup/confirm/", fetch_redirect_response=False)


def test_the_preview_shows_form_errors_as_users_see_them_and_no_request(admin_client, cognito_settings):
    preview_fields()

    response = admin_client.post(PREVIEW_URL, {"username": "alice", "password": "s3cret-Passphrase!", "email": "x"})

    assertContains(response, 'id="id_email_error"')
    assertNotContains(response, 'id="signup-request"')


def test_the_preview_escapes_what_admins_typed(admin_client, cognito_settings):
    AttributeField.objects.create(
        attribute_name="given_name", label="<script>alert(1)</script>", help_text='<img src=x onerror="alert(2)">'
    )

    response = admin_client.get(PREVIEW_URL)

    assertNotContains(response, "<script>alert(1)")
    assertNotContains(response, "<img src=x")
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
    assertContains(response, "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;")


def test_only_staff_can_preview(client, django_user_model):
    assert client.get(PREVIEW_URL).status_code == 302
    user = django_user_model.objects.create_user("visitor", password="pw-visitor-123")
    client.force_login(user)
    assert client.get(PREVIEW_URL).status_code == 302
