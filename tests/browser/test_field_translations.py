"""A field's admin-entered texts in the visitor's language, in Chromium: found by its translated label, filled, sent;
and the translated page (right-to-left in Arabic) has no axe violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from signup.models import AttributeField
from tests.browser.helpers import PASSWORD
from tests.helpers import unique_username

pytestmark = pytest.mark.django_db(transaction=True)

TEXTS = {
    "de": {"label": "Firma", "help_text": "Wo Sie arbeiten", "placeholder": "Beispiel AG"},
    "ar": {"label": "الشركة", "help_text": "مكان عملك", "placeholder": "شركة مثال"},
}


@pytest.fixture
def company(portal):
    field = AttributeField.objects.create(
        attribute_name="custom:company", label="Company", help_text="Where you work", required=True, position=20
    )
    for language, texts in TEXTS.items():
        field.translations.create(language=language, **texts)
    return field


@pytest.mark.parametrize(("language", "locale", "direction"), [("de", "de-DE", "ltr"), ("ar", "ar-EG", "rtl")])
def test_a_visitor_fills_the_field_by_its_label_in_their_language(
    portal, company, browser, axe, language, locale, direction
):
    context = browser.new_context(bypass_csp=True, locale=locale)
    context.set_default_timeout(10_000)
    page = context.new_page()
    texts = TEXTS[language]
    username = unique_username()
    try:
        page.goto(f"{portal.url}/signup/")
        expect(page.locator("html")).to_have_attribute("dir", direction)
        company_input = page.get_by_label(texts["label"], exact=True)
        expect(company_input).to_have_attribute("placeholder", texts["placeholder"])
        expect(company_input).to_have_accessible_description(texts["help_text"])
        assert axe(page) == []

        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_email").fill(f"{username}@example.com")
        company_input.fill("Example Ltd")
        page.locator("#signup-form button[type=submit]").click()

        expect(page).to_have_url(f"{portal.url}/signup/confirm/")
    finally:
        context.close()
    (request,) = [r for r in portal.requests("SignUp") if r.params["Username"] == username]
    assert {"Name": "custom:company", "Value": "Example Ltd"} in request.params["UserAttributes"]
