"""The admin's field list at 1280 px: every column, the pool check included, is on screen without scrolling."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_pool_check_column_is_not_cut_off_at_1280_px(portal, browser, django_user_model, settings):
    from signup.models import AttributeField

    django_user_model.objects.create_superuser("admin", "admin@example.com", "Admin-Pass-9")
    AttributeField.objects.create(
        attribute_name="custom:company", label="Company name for the invoice", input_type="text", position=20
    )
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{portal.url}/admin/login/?next=/admin/signup/attributefield/")
        page.locator("#id_username").fill("admin")
        page.locator("#id_password").fill("Admin-Pass-9")
        page.locator("input[type=submit]").click()
        page.wait_for_url("**/admin/signup/attributefield/")
        results = page.locator("#changelist .results")
        overflow = results.evaluate("el => el.scrollWidth - el.clientWidth")
        right = page.locator("th.column-pool_check").evaluate("el => el.getBoundingClientRect().right")
    finally:
        context.close()

    assert overflow <= 0
    assert right <= 1280
