"""Into the app in a real browser: "Continue" lands on the app (a loopback page standing in for it), and the
passwordless form and the link page have no axe-core violations, in every shipped language."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from tests.browser.helpers import BROWSER_LOCALES, fill_sign_up
from tests.helpers import unique_username

pytestmark = pytest.mark.django_db(transaction=True)

STATES = [(language, "light") for language, _ in django_settings.LANGUAGES] + [("en", "dark")]


@dataclass
class App:
    url: str
    visits: list[str] = field(default_factory=list)


@pytest.fixture
def app() -> Iterator[App]:
    """The app people signed up for: a loopback HTTP server whose every page says "Welcome to Acme"."""
    visits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            visits.append(self.path)
            body = b"<!doctype html><html lang='en'><title>Acme</title><h1>Welcome to Acme</h1></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield App(url=f"http://127.0.0.1:{server.server_port}", visits=visits)
    finally:
        server.shutdown()
        server.server_close()


def test_continue_on_the_done_page_lands_on_the_app(portal, page, app, settings):
    settings.SIGNUP_RETURN_URLS = [f"{app.url}/"]
    settings.SIGNUP_APP_NAME = "Acme"
    username = unique_username()
    page.goto(f"{portal.url}/signup/?next={quote(f'{app.url}/welcome?from=signup', safe='')}")
    expect(page).to_have_title("Sign up · Acme")

    fill_sign_up(page, username)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_label("Confirmation code").fill(portal.code_for(username))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(f"{portal.url}/signup/done/")
    page.get_by_role("link", name="Continue to Acme").click()

    expect(page).to_have_url(f"{app.url}/welcome?from=signup")
    expect(page.get_by_role("heading", name="Welcome to Acme")).to_be_visible()
    assert app.visits[0] == "/welcome?from=signup"  # (then the browser asks for /favicon.ico)


def test_a_passwordless_sign_up_in_the_browser_has_no_password_and_no_show_button(
    portal, page, use_local_pool, settings
):
    settings.SIGNUP_PASSWORD = "none"
    settings.SIGNUP_CONFIRM_PASSWORD = True
    pool = use_local_pool("portal-tests-otp-password-email_otp", first_auth_factors=("PASSWORD", "EMAIL_OTP"))
    username = unique_username()
    page.goto(f"{portal.url}/signup/")

    expect(page.locator("input[type=password]")).to_have_count(0)
    expect(page.locator("#password-rules")).to_have_count(0)
    expect(page.get_by_role("button", name="Show password")).to_have_count(0)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email address").fill(f"{username}@example.com")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_label("Confirmation code").fill(portal.cognito.latest_code(pool.user_pool_id, username))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Your account is ready")).to_be_visible()
    assert "Password" not in portal.requests("SignUp")[-1].params


def new_context(browser, language: str, scheme: str):
    # bypass_csp: injecting axe is an inline script, which the portal's Content-Security-Policy rightly forbids.
    context = browser.new_context(bypass_csp=True, locale=BROWSER_LOCALES[language], color_scheme=scheme)
    context.set_default_timeout(10_000)
    return context


@pytest.mark.parametrize(("language", "scheme"), STATES)
def test_the_passwordless_form_has_no_axe_violations(portal, browser, axe, use_local_pool, settings, language, scheme):
    settings.SIGNUP_PASSWORD = "none"
    use_local_pool("portal-tests-otp-password-email_otp", first_auth_factors=("PASSWORD", "EMAIL_OTP"))
    context = new_context(browser, language, scheme)
    page = context.new_page()
    violations = {}
    try:
        page.goto(f"{portal.url}/signup/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        violations["empty"] = axe(page)
        page.locator("#signup-form button[type=submit]").click()
        expect(page.locator("#error-summary")).to_be_visible()
        violations["every field missing"] = axe(page)
    finally:
        context.close()

    assert {state: found for state, found in violations.items() if found} == {}


@pytest.mark.parametrize(("language", "scheme"), STATES)
def test_the_link_page_has_no_axe_violations(portal, browser, axe, use_local_pool, settings, language, scheme):
    settings.SIGNUP_RESEND_COOLDOWN = 0
    settings.SIGNUP_RETURN_URLS = ["https://app.example.com/"]
    use_local_pool("portal-tests-link", default_email_option="CONFIRM_WITH_LINK")
    context = new_context(browser, language, scheme)
    page = context.new_page()
    violations = {}
    try:
        page.goto(f"{portal.url}/signup/?next={quote('https://app.example.com/in', safe='')}")
        username = unique_username()
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill("Correct-Horse-9")
        page.locator("#id_email").fill(f"{username}@example.com")
        page.locator("#signup-form button[type=submit]").click()
        expect(page).to_have_url(f"{portal.url}/signup/confirm/")
        expect(page.locator("input[name=code]")).to_have_count(0)
        violations["link sent"] = axe(page)
        page.locator("#resend-form button[type=submit]").click()
        expect(page.locator(".message--success")).to_be_visible()
        violations["new link sent"] = axe(page)
    finally:
        context.close()

    assert {state: found for state, found in violations.items() if found} == {}
