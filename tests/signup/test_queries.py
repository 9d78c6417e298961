"""The form page is built from this process's copy of the configuration: once warm, a GET makes one primary-key read
(the configuration revision) and touches no session."""

import pytest

from signup.models import AttributeField


@pytest.mark.django_db
def test_the_form_page_makes_one_revision_read_once_the_field_configuration_is_held(
    client, settings, django_assert_num_queries
):
    AttributeField.objects.create(attribute_name="given_name", label="Given name", position=20)
    client.get("/signup/")  # warm-up: reads the field configuration into this process

    with django_assert_num_queries(1):
        response = client.get("/signup/")

    assert response.status_code == 200
    assert "Given name" in response.content.decode()
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # no session is created or written on GET


@pytest.mark.django_db
def test_a_field_configuration_change_is_served_on_the_next_request(client):
    client.get("/signup/")
    AttributeField.objects.create(attribute_name="family_name", label="Family name", position=30)

    assert "Family name" in client.get("/signup/").content.decode()
