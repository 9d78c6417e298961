"""'Wrong address? Change it' on the code step of a pool that confirms with a code, on the embedded local Cognito:
with IAM credentials the unconfirmed user gets the new address and a new code there (the code that arrives works);
without them the page says plainly that a new username is needed. The same cooldown as "Send a new code"."""

from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from signup import cognito, pool
from tests.helpers import (
    embedded_sign_up,
    embedded_user_attribute,
    embedded_user_status,
    unique_username,
)

pytestmark = pytest.mark.django_db

NEW_ADDRESS = "dora@test.org"
NEEDS_A_NEW_USERNAME = (
    "We cannot change the address of this sign-up. Start again with a different username and the right address."
)


@pytest.fixture
def signed_up(client, local_cognito, settings):
    """A browser that has just signed up on the code pool; returns the username. No cooldown: the one test of it
    sets its own."""
    settings.SIGNUP_RESEND_COOLDOWN = 0
    username = unique_username()
    assertRedirects(embedded_sign_up(client, username), "/signup/confirm/", fetch_redirect_response=False)
    return username


@pytest.fixture
def credentials_gone(monkeypatch, tmp_path):
    """From now on the portal has no AWS credentials anywhere (as on a web server with no IAM role). With
    `pool_known`, the pool description it read earlier stays in the process (the offer was on the page)."""

    def remove(*, pool_known: bool = False) -> None:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
        monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        cognito.reset_clients()
        if not pool_known:
            pool.pool_cache_clear()

    return remove


def test_the_code_step_offers_to_change_the_address_and_send_a_new_code(client, signed_up):
    page = client.get("/signup/confirm/")

    assertContains(page, "Wrong address? Change it")
    assertContains(page, "Change the address and send a new code")
    assertNotContains(page, "send a new link")


def test_changing_the_address_updates_the_user_and_the_new_code_confirms(
    client, signed_up, local_cognito, local_pool, admin_cognito
):
    response = client.post("/signup/confirm/address/", {"address": NEW_ADDRESS})

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    page = client.get("/signup/confirm/")
    assertContains(page, "We changed the address and sent a new code there.")
    assertContains(page, 'We sent a code by email to <bdi dir="ltr">d***@t***</bdi>.')
    assert embedded_user_attribute(admin_cognito, local_pool, signed_up, "email") == NEW_ADDRESS
    delivered = local_cognito.outbox[-1]
    assert (delivered.username, delivered.destination, delivered.medium) == (signed_up, "d***@t***", "EMAIL")
    confirmed = client.post("/signup/confirm/", {"code": delivered.code})
    assertRedirects(confirmed, "/signup/done/", fetch_redirect_response=False)
    assert embedded_user_status(admin_cognito, local_pool, signed_up) == "CONFIRMED"


def test_an_address_that_is_not_one_is_refused_before_cognito(
    client, signed_up, local_cognito, local_pool, admin_cognito
):
    local_cognito.clear_requests()

    response = client.post("/signup/confirm/address/", {"address": "not an address"})

    assert response.status_code == 200
    assert response.context["change_form"].errors["address"]
    assert [r.operation for r in local_cognito.requests if r.operation.startswith("Admin")] == []
    assert embedded_user_attribute(admin_cognito, local_pool, signed_up, "email") == f"{signed_up}@example.com"


def test_changing_the_address_waits_for_the_resend_cooldown(client, local_cognito, local_pool, admin_cognito, settings):
    settings.SIGNUP_RESEND_COOLDOWN = 30
    username = unique_username()
    embedded_sign_up(client, username)
    sent = len(local_cognito.outbox)

    response = client.post("/signup/confirm/address/", {"address": NEW_ADDRESS})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assertContains(response, "You can ask for a new code in 30 seconds.", status_code=429)
    assert len(local_cognito.outbox) == sent
    assert embedded_user_attribute(admin_cognito, local_pool, username, "email") == f"{username}@example.com"


def test_without_credentials_the_code_step_says_a_new_username_is_needed(client, signed_up, credentials_gone):
    credentials_gone()

    page = client.get("/signup/confirm/")

    assertNotContains(page, "Change the address and send a new code")
    assertContains(page, "The address of this sign-up cannot be changed here: start again with a different username.")


def test_when_the_admin_call_finds_no_credentials_the_page_says_a_new_username_is_needed(
    client, signed_up, credentials_gone, local_cognito, local_pool, admin_cognito
):
    client.get("/signup/confirm/")  # the pool was readable: the offer is on the page
    credentials_gone(pool_known=True)  # ...and the credentials went away before the person used it

    response = client.post("/signup/confirm/address/", {"address": NEW_ADDRESS})

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    assertContains(client.get("/signup/confirm/"), NEEDS_A_NEW_USERNAME)
    assert embedded_user_attribute(admin_cognito, local_pool, signed_up, "email") == f"{signed_up}@example.com"


def test_a_post_without_credentials_is_refused_with_the_same_words(client, signed_up, credentials_gone):
    credentials_gone()

    response = client.post("/signup/confirm/address/", {"address": NEW_ADDRESS})

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    assertContains(client.get("/signup/confirm/"), NEEDS_A_NEW_USERNAME)
