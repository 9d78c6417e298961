"""Pools that confirm by link: which confirm page a journey gets (SIGNUP_CONFIRMATION, the delivery medium, whether
the pool can be read), and "Send a new link" with the resend's cooldown and limits. Cognito is botocore's Stubber and
the pool cannot be read (no credentials), as on a portal without IAM rights."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from tests.helpers import (
    EMAIL_DELIVERY,
    SIGN_UP_RESPONSE,
    SMS_DELIVERY,
    continue_link,
    expect_resend,
    expect_sign_up,
    form_data,
)

pytestmark = pytest.mark.django_db

MAY_HOLD_A_LINK = "Your email may hold a link instead of a code: then open the link to confirm your account."


@pytest.fixture
def signed_up(client, stubber, settings, clock):
    """sign_up(delivery) signs alice up in this browser; her code (or link) went to `delivery`."""
    settings.SIGNUP_RESEND_COOLDOWN = 30

    def sign_up(delivery=EMAIL_DELIVERY):
        expect_sign_up(stubber, response={**SIGN_UP_RESPONSE, "CodeDeliveryDetails": delivery})
        assertRedirects(client.post("/signup/", form_data()), "/signup/confirm/", fetch_redirect_response=False)
        return client.get("/signup/confirm/")

    return sign_up


def has_code_control(page) -> bool:
    return 'name="code"' in page.content.decode()


# --- Which page -------------------------------------------------------------------------------------------------


def test_a_link_by_email_gets_a_page_without_a_code_control(signed_up, settings):
    settings.SIGNUP_CONFIRMATION = "link"

    page = signed_up()

    assert page.context["confirmation"] == "link"
    assert not has_code_control(page)
    assertContains(page, "<h1>Confirm your email address</h1>", html=True)
    assertContains(page, 'We sent a link by email to <bdi dir="ltr">a***@e***</bdi>. Open it to confirm your account.')
    assertContains(page, "Send a new link")
    assertContains(page, ">Start again</button>")
    assertNotContains(page, "Send a new code")


def test_a_text_message_always_gets_the_code_form(signed_up, settings):
    settings.SIGNUP_CONFIRMATION = "link"

    page = signed_up(SMS_DELIVERY)

    assert page.context["confirmation"] == "code"
    assert has_code_control(page)
    assertContains(page, 'We sent a code by text message to <bdi dir="ltr">+*******0123</bdi>.')
    assertNotContains(page, MAY_HOLD_A_LINK)


def test_confirmation_code_forces_the_code_form(signed_up, settings):
    settings.SIGNUP_CONFIRMATION = "code"

    page = signed_up()

    assert has_code_control(page)
    assertNotContains(page, MAY_HOLD_A_LINK)
    assertNotContains(page, "Send a new link")


def test_with_the_pool_unreadable_the_code_form_stays_and_says_a_link_may_have_come(signed_up, settings):
    settings.SIGNUP_CONFIRMATION = "auto"

    page = signed_up()

    assert page.context["confirmation"] == "either"
    assert has_code_control(page)
    assertContains(page, 'We sent a code by email to <bdi dir="ltr">a***@e***</bdi>.')
    assertContains(page, MAY_HOLD_A_LINK)


def test_with_the_pool_unreadable_a_text_message_says_nothing_of_links(signed_up, settings):
    settings.SIGNUP_CONFIRMATION = "auto"

    assertNotContains(signed_up(SMS_DELIVERY), MAY_HOLD_A_LINK)


def test_the_link_page_offers_continue_as_a_second_action_once_the_link_is_opened(signed_up, settings, client):
    settings.SIGNUP_CONFIRMATION = "link"
    settings.SIGNUP_RETURN_URLS = ["https://app.example.com/"]
    client.get(f"/signup/?next={quote('https://app.example.com/in', safe='')}")

    link = continue_link(signed_up().content)

    assert link["href"] == "https://app.example.com/in"
    assert "button--secondary" in link["class"].split()


# --- Send a new link --------------------------------------------------------------------------------------------


def test_a_new_link_is_sent_and_said_to_be_a_link(signed_up, settings, stubber, client, clock):
    settings.SIGNUP_CONFIRMATION = "link"
    signed_up()
    clock.advance(31)
    expect_resend(stubber)

    response = client.post("/signup/confirm/resend/", follow=True)

    assertRedirects(response, "/signup/confirm/")
    assertContains(response, "We sent you a new link.")
    assertNotContains(response, "We sent you a new code.")
    assert not has_code_control(response)


def test_a_new_link_waits_for_the_cooldown_and_says_so_in_words_about_links(signed_up, settings, client):
    settings.SIGNUP_CONFIRMATION = "link"
    page = signed_up()
    assertContains(page, "You can ask for a new link in 30 seconds.")
    assertContains(page, 'data-ready="You can ask for a new link now."')

    response = client.post("/signup/confirm/resend/")  # nothing queued: no Cognito call may happen

    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assertContains(response, "Please wait before asking for another link.", status_code=429)
    assertNotContains(response, "another code", status_code=429)


def test_a_new_link_counts_against_the_same_limits_as_a_new_code(signed_up, settings, stubber, client, clock):
    settings.SIGNUP_CONFIRMATION = "link"
    settings.SIGNUP_RATE_LIMIT = "resend:1/h/username"
    signed_up()
    clock.advance(31)
    expect_resend(stubber)
    client.post("/signup/confirm/resend/")
    clock.advance(31)

    response = client.post("/signup/confirm/resend/")  # nothing queued: no Cognito call may happen

    assert response.status_code == 429
    assert response.context["error_code"] == "rate_limited"
