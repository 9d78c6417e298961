"""Every page in every shipped language, at 390 px and 1280 px, light and dark: no sideways scrolling, no clipped
text, axe-core 0 violations, and Arabic mirrored. Each page is walked to once per language and then looked at in
every width and scheme, so the matrix stays cheap. Reflow at 320 px and
200 % zoom (WCAG 1.4.10) is checked too. The README's screenshots come from here (scripts/screenshots sets
PORTAL_SCREENSHOT_DIR)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
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
LANGUAGES = [code for code, _ in django_settings.LANGUAGES]
PAGES = ("signup", "signup-errors", "resume", "confirm", "done")
# The gallery: (page, viewport, scheme, language) -> file name in docs/screenshots/.
GALLERY = {
    **{(name, viewport, "light", "en"): f"{name}-{viewport}" for name in PAGES for viewport in ("desktop", "phone")},
    ("signup", "desktop", "dark", "en"): "signup-desktop-dark",
    ("signup-errors", "phone", "dark", "en"): "signup-errors-phone-dark",
    ("signup", "desktop", "light", "ar"): "signup-desktop-rtl",
    ("confirm", "phone", "light", "ar"): "confirm-phone-rtl",
}
# Text whose box is narrower than its content is clipped or spills over its neighbours.
CLIPPED_TEXT = """() => [...document.querySelectorAll(
        'h1, h2, p, label, button, a, li, select, .brand__name, .steps__name, .message, .error')]
    .filter(el => el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1)
    .map(el => `${el.tagName.toLowerCase()}.${el.className}: ${el.scrollWidth} > ${el.clientWidth}`)"""
POSITIONS = """() => {
    const box = (selector) => document.querySelector(selector).getBoundingClientRect();
    const steps = [...document.querySelectorAll('.steps__item')].map(el => el.getBoundingClientRect());
    return {
        direction: getComputedStyle(document.body).direction,
        label: box('label[for=id_username]'), input: box('#id_username'), card: box('#main'),
        firstStep: steps[0].left, lastStep: steps[2].left, language: box('#language-form'),
    };
}"""


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
    page.goto(f"{portal.url}/signup/no-such-page/")
    yield "not-found"
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


def speak(context, portal, language: str) -> None:
    context.clear_cookies()  # a new journey, too
    context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": portal.url}])


def layout_problems(page) -> list[str]:
    problems = []
    if (overflow := page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")) > 0:
        problems.append(f"scrolls sideways by {overflow}px")
    problems += [f"clipped {element}" for element in page.evaluate(CLIPPED_TEXT)]
    return problems


def assert_mirrored(english: dict, arabic: dict) -> None:
    assert (english["direction"], arabic["direction"]) == ("ltr", "rtl")
    assert english["label"]["left"] == pytest.approx(english["input"]["left"], abs=1)
    assert arabic["label"]["right"] == pytest.approx(arabic["input"]["right"], abs=1)
    assert english["firstStep"] < english["lastStep"]
    assert arabic["firstStep"] > arabic["lastStep"]
    # The language control sits at the end of the line: right in English, left in Arabic.
    assert english["language"]["right"] == pytest.approx(english["card"]["right"], abs=2)
    assert arabic["language"]["left"] == pytest.approx(arabic["card"]["left"], abs=2)


# Each page is loaded once and looked at in every combination: resizing and switching the colour scheme is far cheaper
# than walking the journey again. axe runs once per page and scheme (its checks do not depend on the width).
LOOKS = [("desktop", "light", True), ("phone", "light", False), ("phone", "dark", True), ("desktop", "dark", False)]


def look_at(page, name: str, language: str, axe, out: Path) -> dict[str, list[str]]:
    problems = {}
    for viewport, scheme, run_axe in LOOKS:
        page.set_viewport_size(VIEWPORTS[viewport])
        page.emulate_media(color_scheme=scheme)
        found = layout_problems(page)
        if run_axe:
            found += [f"axe {violation['id']}: {violation['nodes']}" for violation in axe(page)]
        if found:
            problems[f"{name} at {viewport} in {scheme}"] = found
        if file := GALLERY.get((name, viewport, scheme, language)):
            page.screenshot(path=out / f"{file}.png")
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_fits_shows_all_its_text_and_has_no_axe_violations_on_phones_and_desktops_light_and_dark(
    portal, browser, axe, language, tmp_path
):
    out = Path(os.environ.get("PORTAL_SCREENSHOT_DIR") or tmp_path)
    # bypass_csp: injecting axe is an inline script, which the portal's Content-Security-Policy rightly forbids.
    context = browser.new_context(device_scale_factor=1, bypass_csp=True)
    context.set_default_timeout(10_000)
    speak(context, portal, language)
    page = context.new_page()
    problems = {}
    try:
        for name in walk_the_pages(page, portal):
            expect(page.locator("html")).to_have_attribute("lang", language)
            problems |= look_at(page, name, language, axe, out)
    finally:
        context.close()

    assert problems == {}


# Translations run longer than English (German by a third and more, with long compounds): every visible text doubled,
# plus a long compound word, must still fit.
LONGER_TEXTS = """() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) if (walker.currentNode.textContent.trim()) nodes.push(walker.currentNode);
    const word = 'Bestätigungscodeanforderungen';
    for (const node of nodes) node.textContent = `${node.textContent} ${word} ${node.textContent}`;
    document.querySelectorAll('option').forEach(option => { option.textContent += ' (Bestätigungscode)'; });
}"""


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_texts_twice_as_long_still_fit(portal, browser, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = {}
    try:
        for name in walk_the_pages(page, portal):
            if name in ("signup-errors", "confirm", "done"):
                page.evaluate(LONGER_TEXTS)
                if found := layout_problems(page):
                    problems[name] = found
    finally:
        context.close()

    assert problems == {}


def test_arabic_pages_are_mirrored(portal, browser):
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    positions = {}
    try:
        for language in ("en", "ar"):
            speak(context, portal, language)
            page.goto(f"{portal.url}/signup/")
            positions[language] = page.evaluate(POSITIONS)
    finally:
        context.close()

    assert_mirrored(positions["en"], positions["ar"])


@pytest.mark.parametrize(("viewport", "language"), [("zoom-200", "en"), ("narrow", "en"), ("narrow", "de")])
def test_every_page_reflows_at_320_px_and_200_percent_zoom(portal, browser, viewport, language):
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale=BROWSER_LOCALES[language])
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        for name in walk_the_pages(page, portal):
            assert layout_problems(page) == [], f"{name} at {viewport} in {language}"
    finally:
        context.close()


def test_a_branded_portal_looks_like_the_operators(portal, browser, settings, tmp_path):
    out = Path(os.environ.get("PORTAL_SCREENSHOT_DIR") or tmp_path)
    settings.SIGNUP_APP_NAME = "Northwind"
    settings.SIGNUP_BRAND_LOGO_URL = "signup/favicon.svg"
    settings.SIGNUP_BRAND_PRIMARY_COLOR = "#0b6e4f"
    settings.SIGNUP_BRAND_ACCENT_COLOR = "#c2185b"
    settings.SIGNUP_TERMS_URL = "https://northwind.example/terms"
    settings.SIGNUP_PRIVACY_URL = "https://northwind.example/privacy"
    settings.SIGNUP_SUPPORT_URL = "https://northwind.example/help"
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="en-GB", device_scale_factor=1)
    page = context.new_page()
    try:
        page.goto(f"{portal.url}/signup/")
        expect(page.get_by_role("img", name="Northwind")).to_be_visible()
        expect(page.get_by_role("link", name="Privacy")).to_have_attribute("href", "https://northwind.example/privacy")
        button = page.locator("#signup-form button[type=submit]")
        assert button.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(11, 110, 79)"
        page.screenshot(path=out / "signup-desktop-branded.png")
    finally:
        context.close()


def test_the_layout_check_does_find_clipped_text_and_sideways_scrolling(page):
    page.set_viewport_size(VIEWPORTS["phone"])
    page.set_content(
        "<html><body><p style='width: 60px; white-space: nowrap; overflow: hidden'>Bestätigungscodeanforderungen</p>"
        "<div style='width: 600px'>wide</div></body></html>"
    )

    problems = layout_problems(page)

    assert problems[0].startswith("scrolls sideways by")
    assert any(problem.startswith("clipped p.") for problem in problems)
