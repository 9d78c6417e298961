"""The embedded pool follows the admin: a field for an attribute the pool lacks is added to the pool, not refused."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.asserts import assertContains, assertRedirects

from localcognito import LocalCognito, PoolConfig
from localcognito.receivers import ENDPOINT_ENV, pool_attributes_wanted_receiver
from signup import cognito
from signup.models import AttributeField
from tests.helpers import inline_formset_data
from tests.localcognito.support import client_for, unique

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/signup/attributefield/add/"
LIST_URL = "/admin/signup/attributefield/"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def small_pool(local_cognito_server: LocalCognito) -> PoolConfig:
    """A fresh pool with e-mail only, so what the admin adds is visibly new."""
    return local_cognito_server.provision(attributes=["email"], name=unique("follows-admin"))


def point_at(pool: PoolConfig, settings: Any, monkeypatch: pytest.MonkeyPatch, *, embedded: bool) -> None:
    settings.COGNITO_USER_POOL_ID = pool.user_pool_id
    settings.COGNITO_REGION = pool.region
    settings.COGNITO_CLIENT_ID = pool.client_id
    settings.COGNITO_CLIENT_SECRET = pool.client_secret
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", pool.endpoint_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    if embedded:
        monkeypatch.setenv(ENDPOINT_ENV, pool.endpoint_url)
    else:
        monkeypatch.delenv(ENDPOINT_ENV, raising=False)
    cognito.reset_clients()


def field_form(**values: str) -> dict[str, str]:
    data = {
        "destination": "user_attributes",
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


def schema_names(emulator: LocalCognito, pool: PoolConfig) -> list[str]:
    described = client_for(emulator).describe_user_pool(UserPoolId=pool.user_pool_id)["UserPool"]
    return [a["Name"] for a in described["SchemaAttributes"]]


def test_the_admin_adds_fields_the_embedded_pool_lacks_and_the_form_shows_them(
    admin_client: Any, local_cognito_server: LocalCognito, small_pool: PoolConfig, settings: Any, monkeypatch: Any
) -> None:
    point_at(small_pool, settings, monkeypatch, embedded=True)
    assert "custom:company" not in schema_names(local_cognito_server, small_pool)

    first = admin_client.post(ADD_URL, field_form(attribute_name="given_name", label="First name", position="10"))
    second = admin_client.post(ADD_URL, field_form(attribute_name="custom:company", label="Company name"))

    assertRedirects(first, LIST_URL)
    assertRedirects(second, LIST_URL)
    assert "custom:company" in schema_names(local_cognito_server, small_pool)
    client = client_for(local_cognito_server).describe_user_pool_client(
        UserPoolId=small_pool.user_pool_id, ClientId=small_pool.client_id
    )
    assert {"given_name", "custom:company"} <= set(client["UserPoolClient"]["WriteAttributes"])
    page = admin_client.get("/signup/")
    assertContains(page, "First name")
    assertContains(page, "Company name")


def test_a_pool_that_is_not_the_embedded_one_is_never_changed(
    admin_client: Any, local_cognito_server: LocalCognito, small_pool: PoolConfig, settings: Any, monkeypatch: Any
) -> None:
    point_at(small_pool, settings, monkeypatch, embedded=False)

    response = admin_client.post(ADD_URL, field_form(attribute_name="custom:company", label="Company"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert [e.code for e in errors["attribute_name"]] == ["not_in_pool"]
    assert "custom:company" not in schema_names(local_cognito_server, small_pool)
    assert not AttributeField.objects.filter(attribute_name="custom:company").exists()


def test_the_receiver_ignores_an_endpoint_that_is_not_loopback(
    small_pool: PoolConfig, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_at(small_pool, settings, monkeypatch, embedded=True)
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "https://cognito-idp.us-east-1.amazonaws.com")
    monkeypatch.setenv(ENDPOINT_ENV, "https://cognito-idp.us-east-1.amazonaws.com")

    assert pool_attributes_wanted_receiver(None, attribute_names=["custom:company"]) is False
