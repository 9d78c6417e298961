"""Consent fields and the admin's "Sign-ups" page in a real browser: axe-core on a form with two consents (one
required, one optional) in three languages, a sign-up that records the ticked consent, and the screenshot of the
page in docs/screenshots/ (scripts/screenshots sets PORTAL_SCREENSHOT_DIR)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import BROWSER_LOCALES, PASSWORD
from tests.helpers import eventually, unique_username

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_consents(portal):
    from signup.models import AttributeField

    common = {"input_type": "consent", "destination": "none"}
    AttributeField.objects.create(
        attribute_name="terms",
        label="I accept the [terms of use](terms) and the [privacy notice](privacy)",
        required=True,
        consent_version="2026-01",
        consent_terms_url="/terms",
        consent_privacy_url="https://example.com/privacy",
        position=20,
        **common,
    )
    AttributeField.objects.create(
        attribute_name="news", label="Send me the monthly newsletter", consent_version="n1", position=30, **common
    )
    return portal


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_a_form_with_two_consents_has_no_axe_violations(two_consents, browser, axe, language):
    context = browser.new_context(bypass_csp=True, locale=BROWSER_LOCALES[language])
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations = {}
    try:
        page.goto(f"{two_consents.url}/signup/")
        expect(page.locator("#id_terms")).to_be_visible()
        violations["empty"] = axe(page)
        page.locator("#signup-form button[type=submit]").click()
        expect(page.locator("#error-summary")).to_be_visible()
        violations["every field missing"] = axe(page)
    finally:
        context.close()

    assert {state: found for state, found in violations.items() if found} == {}


def test_the_required_consent_is_asked_for_and_the_ticked_one_recorded(two_consents, page):
    from signup.models import SignUpRecord

    username = unique_username()
    page.goto(f"{two_consents.url}/signup/")
    expect(page.get_by_role("link", name="terms of use")).to_have_attribute("href", "/terms")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_email").fill(f"{username}@example.com")
    page.locator("#signup-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_contain_text("I accept the terms of use and the privacy notice")

    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_terms").check()
    page.locator("#signup-form button[type=submit]").click()

    expect(page).to_have_url(f"{two_consents.url}/signup/confirm/")
    # On PostgreSQL the record waits up to 0.1 s in the batch writer (portal.batch_writer): wait, never assume.
    eventually(SignUpRecord.objects.exists, "no sign-up record was written")
    assert SignUpRecord.objects.get().consent_versions == {"terms": "2026-01"}


def test_the_sign_ups_page_with_seeded_data(portal, browser, django_user_model, tmp_path):
    from signup.seed import signup_history_seed

    django_user_model.objects.create_superuser("admin", "admin@example.com", PASSWORD)
    signup_history_seed(days=60, seed=1, now=timezone.now())
    out = Path(os.environ.get("PORTAL_SCREENSHOT_DIR") or tmp_path)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{portal.url}/admin/login/?next=/admin/")
        page.locator("#id_username").fill("admin")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("input[type=submit]").click()
        page.get_by_role("link", name="Sign-ups", exact=True).click()
        expect(page.get_by_role("img", name="Sign-ups in the last 30 days, by day (UTC)")).to_be_visible()
        expect(page.locator("#signups-table tbody tr")).to_have_count(30)
        page.screenshot(path=out / "admin-signups.png", full_page=True)
    finally:
        context.close()


def test_the_sign_ups_page_has_no_axe_violations_in_the_chart_and_tables(portal, browser, axe, django_user_model):
    from signup.seed import signup_history_seed

    django_user_model.objects.create_superuser("admin", "admin@example.com", PASSWORD)
    signup_history_seed(days=3, seed=1, now=timezone.now())
    context = browser.new_context(bypass_csp=True, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{portal.url}/admin/login/?next=/admin/signup/signuprecord/overview/")
        page.locator("#id_username").fill("admin")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("input[type=submit]").click()
        expect(page.locator("#signups-chart")).to_be_visible()
        found = axe(page)
    finally:
        context.close()

    assert found == []
