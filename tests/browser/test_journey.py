"""The whole journey in a real browser: by keyboard only, and with JavaScript switched off."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, fill_sign_up
from tests.helpers import unique_username

pytestmark = pytest.mark.django_db(transaction=True)


def tab_to(page, element_id: str, limit: int = 30) -> None:
    """Press Tab until the element with this id has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} cannot be reached with the Tab key")


def test_the_whole_journey_works_by_keyboard_alone(portal, page):
    username = unique_username()
    page.goto(f"{portal.url}/signup/")

    tab_to(page, "id_username")
    page.keyboard.type(username)
    tab_to(page, "id_password")
    page.keyboard.type(PASSWORD)
    tab_to(page, "id_email")
    page.keyboard.type(f"{username}@example.com")
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{portal.url}/signup/confirm/")
    expect(page.get_by_text("We sent a code by email to")).to_be_visible()
    tab_to(page, "id_code")
    page.keyboard.type(portal.code_for(username))
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{portal.url}/signup/done/")
    expect(page.get_by_role("heading", name="Your account is ready")).to_be_visible()


def test_errors_are_summarised_focused_and_linked_to_their_fields(portal, page):
    page.goto(f"{portal.url}/signup/")
    page.get_by_label("Username").fill("has space")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_role("button", name="Sign up").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: Sign up")
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    assert "id_password_error" in password.get_attribute("aria-describedby")
    expect(page.locator("#id_password_error")).to_contain_text("Use at least 8 characters.")

    page.keyboard.press("Tab")  # the first link in the summary
    page.keyboard.press("Enter")
    expect(page.get_by_label("Username")).to_be_focused()


def test_the_journey_works_with_javascript_switched_off(portal, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    username = unique_username()
    try:
        page.goto(f"{portal.url}/signup/")
        expect(page.locator("#password-rules li")).to_have_count(
            2
        )  # server-rendered: the length and "not a common password"
        expect(page.get_by_role("button", name="Show password")).to_have_count(0)  # no dead button
        fill_sign_up(page, username)
        page.get_by_role("button", name="Sign up").click()

        expect(page).to_have_url(f"{portal.url}/signup/confirm/")
        page.get_by_role("button", name="Send a new code").click()
        expect(page.get_by_text("We sent you a new code.")).to_be_visible()
        page.get_by_label("Confirmation code").fill(portal.code_for(username))
        page.get_by_role("button", name="Confirm").click()

        expect(page).to_have_url(f"{portal.url}/signup/done/")
        sign_up = portal.requests("SignUp")[-1]
        assert "EncodedData" not in sign_up.params.get("UserContextData", {})
    finally:
        context.close()


def test_the_password_checklist_follows_typing_and_is_announced_once_the_user_pauses(portal, page, settings):
    page.goto(f"{portal.url}/signup/")
    rule = page.locator("#password-rules [data-rule='min_length']")
    status = page.locator("#password-rules-status")
    password = page.get_by_label("Password", exact=True)

    password.press_sequentially("abc")
    expect(rule).not_to_have_class("password-rule is-met")
    expect(status).to_have_text("Your password meets 0 of 1 rules.")
    password.press_sequentially("defgh")
    expect(rule).to_have_class("password-rule is-met")
    expect(rule).to_contain_text("(done)")
    expect(status).to_have_text("Your password meets all the rules.")


def test_the_show_password_button_reveals_and_hides_what_was_typed(portal, page):
    page.goto(f"{portal.url}/signup/")
    password = page.get_by_label("Password", exact=True)
    password.fill(PASSWORD)

    page.get_by_role("button", name="Show password").click()
    expect(password).to_have_attribute("type", "text")
    page.get_by_role("button", name="Hide password").click()
    expect(password).to_have_attribute("type", "password")


def test_the_language_switcher_works_by_keyboard_and_without_javascript(portal, browser):
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{portal.url}/signup/resume/")
        tab_to(page, "language-select")
        page.keyboard.press("ArrowDown")  # English → Deutsch
        tab_to(page, "language-form-submit")
        page.keyboard.press("Enter")

        expect(page).to_have_url(f"{portal.url}/signup/resume/")
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.get_by_role("heading", name="Neuen Bestätigungscode anfordern")).to_be_visible()
    finally:
        context.close()
