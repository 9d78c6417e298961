"""axe-core on every page in its empty, error and success states, and on the error pages: zero violations.

Every page in every shipped language, phone and desktop, light and dark, is checked in test_layout.py; the states
here (password shown, a malformed code, a new code sent, a taken username) are checked left to right and right to
left."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from tests.browser.helpers import BROWSER_LOCALES, PASSWORD
from tests.helpers import closed_port, unique_username

pytestmark = pytest.mark.django_db(transaction=True)


def fill_sign_up(page, username: str, password: str) -> None:
    # By id: the labels are in the page's language.
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#id_email").fill(f"{username}@example.com")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_page_and_state_has_no_axe_violations(portal, browser, axe, language):
    # bypass_csp: injecting axe is an inline script, which the portal's Content-Security-Policy rightly forbids.
    context = browser.new_context(bypass_csp=True, locale=BROWSER_LOCALES[language])
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations = {}

    def check(state: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", language)
        found = axe(page)
        if found:
            violations[state] = found

    try:
        username = unique_username()
        page.goto(f"{portal.url}/signup/")
        check("sign-up, empty")
        page.locator("#signup-form button[type=submit]").click()
        check("sign-up, every field missing")
        fill_sign_up(page, username, password="short")
        page.locator("#signup-form button[type=submit]").click()
        check("sign-up, password too short")
        page.locator("#id_password").press_sequentially("abc")
        page.locator("[data-password-toggle] button").click()
        check("sign-up, password shown, checklist live")

        page.goto(f"{portal.url}/signup/resume/")
        check("resume, empty")
        page.locator("#resume-form button[type=submit]").click()
        check("resume, username missing")

        page.goto(f"{portal.url}/signup/")
        fill_sign_up(page, username, password=PASSWORD)
        page.locator("#signup-form button[type=submit]").click()
        expect(page).to_have_url(f"{portal.url}/signup/confirm/")
        check("confirm, code sent")
        page.locator("#confirm-form input[name=code]").fill("12")
        page.locator("#confirm-form button[type=submit]").click()
        check("confirm, malformed code")
        page.locator("#resend-form button[type=submit]").click()
        expect(page.locator(".message--success")).to_be_visible()
        check("confirm, new code sent")

        page.goto(f"{portal.url}/signup/")
        fill_sign_up(page, username, password=PASSWORD)
        page.locator("#signup-form button[type=submit]").click()
        expect(page.locator("#error-summary")).to_be_visible()
        check("sign-up, username taken")

        page.goto(f"{portal.url}/signup/confirm/")
        page.locator("#confirm-form input[name=code]").fill(portal.code_for(username))
        page.locator("#confirm-form button[type=submit]").click()
        expect(page).to_have_url(f"{portal.url}/signup/done/")
        check("done")
    finally:
        context.close()

    assert violations == {}


def test_the_axe_check_does_find_violations_when_there_are_some(page, axe):
    page.set_content("<html><body><img src='x.png'><input type='text'></body></html>")

    assert {violation["id"] for violation in axe(page)} >= {"image-alt", "label", "html-has-lang"}


@pytest.mark.parametrize("language", [code for code, _ in django_settings.LANGUAGES])
def test_the_error_pages_have_no_axe_violations(portal, browser, axe, language, settings, monkeypatch):
    from signup import cognito

    context = browser.new_context(bypass_csp=True, locale=BROWSER_LOCALES[language])
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations = {}

    def check(state: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", language)
        if found := axe(page):
            violations[state] = found

    try:
        page.goto(f"{portal.url}/signup/no-such-page/")
        check("404")

        settings.SIGNUP_RATE_LIMIT = "resume:1/h/ip"
        for _ in range(2):
            page.goto(f"{portal.url}/signup/resume/")
            page.locator("#id_username").fill(unique_username())
            with page.expect_response(lambda response: response.request.method == "POST") as answer:
                page.locator("#resume-form button[type=submit]").click()
        assert answer.value.status == 429
        check("429, too many attempts")

        settings.SIGNUP_RATE_LIMIT = "off"
        monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", f"http://127.0.0.1:{closed_port()}")
        cognito.reset_clients()
        page.goto(f"{portal.url}/signup/")
        fill_sign_up(page, unique_username(), password=PASSWORD)
        with page.expect_response(lambda response: response.request.method == "POST") as answer:
            page.locator("#signup-form button[type=submit]").click()
        assert answer.value.status == 503
        expect(page.locator("#error-summary")).to_be_visible()
        check("503, sign-up unavailable")
    finally:
        context.close()

    assert violations == {}
