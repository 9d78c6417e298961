"""The CAPTCHA in Chromium: a stand-in widget script (served by the loopback siteverify stand-in, allowed by the
Content-Security-Policy the settings build for it) adds the token field the real widget adds; the sign-up reaches
the embedded Cognito once siteverify has said yes. axe-core finds nothing wrong with the form and its widget."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import fill_sign_up
from tests.helpers import (
    CAPTCHA_SECRET_KEY,
    CAPTCHA_SITE_KEY,
    SITEVERIFY_REFUSED,
    SiteverifyReply,
    SiteverifyStandIn,
    captcha_on,
    unique_username,
)

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = f"stand-in-token:{CAPTCHA_SITE_KEY}"


@pytest.fixture
def stand_in(portal, settings) -> Iterator[SiteverifyStandIn]:
    with SiteverifyStandIn() as server:
        captcha_on(settings, server)
        yield server


def solved(page) -> None:
    """Wait for the stand-in widget to have put its token into the form."""
    expect(page.locator("form input[name='cf-turnstile-response']")).to_have_value(TOKEN)


def test_the_widgets_token_is_verified_and_the_sign_up_reaches_cognito(portal, stand_in, page):
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security" in message.text else None)
    username = unique_username()

    page.goto(f"{portal.url}/signup/")
    solved(page)
    fill_sign_up(page, username)
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(f"{portal.url}/signup/confirm/")
    assert blocked == []
    (asked,) = stand_in.requests
    assert (asked["secret"], asked["response"], asked["remoteip"]) == (CAPTCHA_SECRET_KEY, TOKEN, "127.0.0.1")
    (request,) = portal.requests("SignUp")
    assert request.params["Username"] == username


def test_a_refused_token_keeps_the_person_on_the_form_and_cognito_untouched(portal, stand_in, page):
    stand_in.reply = SiteverifyReply(body=SITEVERIFY_REFUSED)
    username = unique_username()

    page.goto(f"{portal.url}/signup/")
    solved(page)
    fill_sign_up(page, username)
    page.get_by_role("button", name="Sign up").click()

    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#captcha-error")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value(username)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    solved(page)  # a fresh widget, ready for another try
    assert portal.requests("SignUp") == []


def test_the_forms_with_the_widget_have_no_axe_violations(portal, stand_in, browser, axe):
    # bypass_csp: injecting axe is an inline script, which the portal's Content-Security-Policy rightly forbids.
    context = browser.new_context(bypass_csp=True, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations = {}

    def check(state: str) -> None:
        solved(page)
        if found := axe(page):
            violations[state] = found

    try:
        page.goto(f"{portal.url}/signup/")
        check("sign-up, widget solved")
        stand_in.reply = SiteverifyReply(body=SITEVERIFY_REFUSED)
        fill_sign_up(page, unique_username())
        page.get_by_role("button", name="Sign up").click()
        expect(page.locator("#captcha-error")).to_be_visible()
        check("sign-up, token refused")

        page.goto(f"{portal.url}/signup/resume/")
        check("resume, widget solved")
        page.get_by_label("Username").fill(unique_username())
        page.get_by_role("button", name="Send a new code").click()
        expect(page.locator("#captcha-error")).to_be_visible()
        check("resume, token refused")
    finally:
        context.close()

    assert violations == {}
