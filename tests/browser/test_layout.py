"""Every page reflows: usable 320 px wide and at 200 % zoom without sideways scrolling (WCAG 1.4.10), and the
screenshots in docs/screenshots/ come from here (scripts/screenshots sets PORTAL_SCREENSHOT_DIR)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import BROWSER_LOCALES, PASSWORD
from tests.helpers import unique_username

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
    "zoom-200": {"width": 640, "height": 400},  # a 1280x800 window at 200 % zoom
    "narrow": {"width": 320, "height": 640},
}
SCREENSHOT_VIEWPORTS = ("desktop", "phone")


def walk_the_pages(page, portal):
    """Visit each page in a telling state; yield its name once it is on screen."""
    username = unique_username()
    page.goto(f"{portal.url}/signup/")
    yield "signup"
    page.locator("#id_username").fill("has space")
    page.locator("#id_password").fill("short")
    page.locator("#signup-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    yield "signup-errors"
    page.goto(f"{portal.url}/signup/resume/")
    yield "resume"
    page.goto(f"{portal.url}/signup/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_email").fill(f"{username}@example.com")
    page.locator("#signup-form button[type=submit]").click()
    expect(page).to_have_url(f"{portal.url}/signup/confirm/")
    yield "confirm"
    page.locator("#id_code").fill(portal.code_for(username))
    page.locator("#confirm-form button[type=submit]").click()
    expect(page).to_have_url(f"{portal.url}/signup/done/")
    yield "done"


@pytest.mark.parametrize(
    ("viewport", "language"),
    [(viewport, "en") for viewport in VIEWPORTS] + [("narrow", "de"), ("narrow", "fr")],
)
def test_every_page_fits_the_width_without_sideways_scrolling(portal, browser, viewport, language, tmp_path):
    out = Path(os.environ.get("PORTAL_SCREENSHOT_DIR") or tmp_path)
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale=BROWSER_LOCALES[language], device_scale_factor=1)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        for name in walk_the_pages(page, portal):
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {viewport} in {language}"
            if viewport in SCREENSHOT_VIEWPORTS:
                page.screenshot(path=out / f"{name}-{viewport}.png", full_page=True)
    finally:
        context.close()
