"""Admin-entered texts per language: a field's label, help text and placeholder in the visitor's language, each
falling back to the field's own text (the default language's) where no translation gives it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from pytest_django.asserts import assertContains, assertNotContains

from signup.models import AttributeField, AttributeFieldTranslation, translation_languages
from signup.revision import current_revision
from signup.selectors import attribute_field_cache_clear, attribute_field_list_active
from tests.helpers import inline_formset_data

pytestmark = pytest.mark.django_db

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}


@pytest.fixture(autouse=True)
def _no_pool(settings):
    # No pool id: signup.pool cannot read anything and says so quickly; the admin applies its local checks only.
    settings.COGNITO_USER_POOL_ID = ""


@pytest.fixture
def company():
    AttributeField.objects.all().delete()
    return AttributeField.objects.create(
        attribute_name="custom:company",
        label="Company",
        help_text="Where you work",
        placeholder="Example Ltd",
        required=True,
    )


def field_html(response, name: str = "custom:company") -> str:
    text = response.content.decode()
    start = text.index(f'data-field="{name}"')
    return text[start : text.index("</div>", start)]


def test_the_german_page_shows_the_german_label_help_and_placeholder(client, company):
    company.translations.create(language="de", label="Firma", help_text="Wo Sie arbeiten", placeholder="Beispiel AG")

    response = client.get("/signup/", **GERMAN)

    assertContains(response, '<label for="id_custom:company">Firma</label>', html=True)
    assertContains(response, '<p class="help" id="id_custom:company_helptext">Wo Sie arbeiten</p>', html=True)
    assert 'placeholder="Beispiel AG"' in field_html(response)
    assertNotContains(response, "Company")
    assertNotContains(response, "Where you work")


def test_a_language_without_a_translation_shows_the_default_texts(client, company):
    company.translations.create(language="de", label="Firma", help_text="Wo Sie arbeiten", placeholder="Beispiel AG")

    for accept_language in ("fr", "en"):
        response = client.get("/signup/", HTTP_ACCEPT_LANGUAGE=accept_language)

        assertContains(response, '<label for="id_custom:company">Company</label>', html=True)
        assertContains(response, "Where you work")
        assert 'placeholder="Example Ltd"' in field_html(response)
        assertNotContains(response, "Firma")


def test_a_partial_translation_falls_back_text_by_text(client, company):
    company.translations.create(language="de", label="Firma")

    response = client.get("/signup/", **GERMAN)

    assertContains(response, '<label for="id_custom:company">Firma</label>', html=True)
    assertContains(response, '<p class="help" id="id_custom:company_helptext">Where you work</p>', html=True)
    assert 'placeholder="Example Ltd"' in field_html(response)


def test_a_consent_checkbox_label_is_shown_in_the_visitors_language(client):
    terms = AttributeField.objects.create(
        attribute_name="custom:terms", label="I accept the terms", input_type="checkbox", required=True
    )
    terms.translations.create(language="fr", label="J’accepte les conditions")  # noqa: RUF001

    response = client.get("/signup/", HTTP_ACCEPT_LANGUAGE="fr")

    assertContains(response, '<label for="id_custom:terms">J’accepte les conditions</label>', html=True)  # noqa: RUF001


def test_translated_texts_are_rendered_escaped(client, company):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    company.translations.create(language="de", label=attack, help_text=attack, placeholder=attack)

    response = client.get("/signup/", **GERMAN)

    assertNotContains(response, "<script>alert")
    assertNotContains(response, "<img src=x")
    assertContains(response, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;", count=3)


def test_form_errors_keep_the_translated_label(client, company):
    company.translations.create(language="de", label="Firma")

    response = client.post("/signup/", {"username": "alice", "password": "s3cret-Passphrase!"}, **GERMAN)

    assert response.status_code == 200
    assertContains(response, '<label for="id_custom:company">Firma</label>', html=True)
    assertContains(response, 'id="id_custom:company_error"')


# --- Every write reaches every process ----------------------------------------------------------------------------


def test_saving_or_deleting_a_translation_raises_the_revision_so_every_process_rebuilds(client, company):
    assertContains(client.get("/signup/", **GERMAN), "Company")  # this process now holds the configuration
    before = current_revision()

    german = company.translations.create(language="de", label="Firma")  # as a shell or another instance would
    after_save = current_revision()
    assertContains(client.get("/signup/", **GERMAN), "Firma")

    german.delete()
    after_delete = current_revision()
    assertContains(client.get("/signup/", **GERMAN), "Company")

    assert before < after_save < after_delete


def test_bulk_writes_to_translations_raise_the_revision_too(client, company):
    company.translations.create(language="de", label="Firma")
    assertContains(client.get("/signup/", **GERMAN), "Firma")

    AttributeFieldTranslation.objects.filter(language="de").update(label="Unternehmen")
    assertContains(client.get("/signup/", **GERMAN), "Unternehmen")

    AttributeFieldTranslation.objects.all().delete()
    assertContains(client.get("/signup/", **GERMAN), "Company")

    AttributeFieldTranslation.objects.bulk_create([AttributeFieldTranslation(field=company, language="de", label="AG")])
    assertContains(client.get("/signup/", **GERMAN), '<label for="id_custom:company">AG</label>', html=True)


def test_the_configuration_and_its_translations_load_in_one_batch_whatever_the_number_of_fields(
    company, django_assert_num_queries
):
    for position, name in enumerate(("given_name", "family_name", "nickname"), start=1):
        field = AttributeField.objects.create(attribute_name=name, label=name, position=position)
        field.translations.create(language="de", label=f"{name} (de)")
        field.translations.create(language="fr", label=f"{name} (fr)")
    attribute_field_cache_clear()

    with django_assert_num_queries(3):  # the revision, the fields, their translations
        specs = attribute_field_list_active()

    assert [spec.texts_in("de").label for spec in specs] == ["", "given_name (de)", "family_name (de)", "nickname (de)"]


def test_a_german_page_makes_one_revision_read_once_warm(client, company, django_assert_num_queries):
    company.translations.create(language="de", label="Firma")
    client.get("/signup/", **GERMAN)

    with django_assert_num_queries(1):
        assertContains(client.get("/signup/", **GERMAN), "Firma")


# --- The model ----------------------------------------------------------------------------------------------------


def test_translations_are_offered_in_every_language_but_the_default(settings):
    codes = [code for code, _name in translation_languages()]

    assert settings.LANGUAGE_CODE not in codes
    assert codes == [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"language": "de"}, "empty_translation"),
        ({"language": "en", "label": "Company"}, "invalid_choice"),
        ({"language": "xx", "label": "Firma"}, "invalid_choice"),
        ({"language": "de", "label": "x" * 101}, "max_length"),
    ],
)
def test_a_translation_that_says_nothing_or_is_in_no_offered_language_is_refused(company, values, code):
    with pytest.raises(ValidationError) as caught:
        AttributeFieldTranslation(field=company, **values).full_clean()

    assert code in [error.code for errors in caught.value.error_dict.values() for error in errors]


# --- The admin ----------------------------------------------------------------------------------------------------


def change_form(field: AttributeField, *rows: dict[str, str], initial: int = 0) -> dict[str, str]:
    values = {
        "attribute_name": field.attribute_name,
        "destination": field.destination,
        "label": field.label,
        "help_text": field.help_text,
        "placeholder": field.placeholder,
        "input_type": field.input_type,
        "required": "on" if field.required else "",
        "enabled": "on",
        "position": str(field.position),
        "choices": "[]",
    }
    return {**values, **inline_formset_data("translations", *rows, initial=initial)}


def change_url(field: AttributeField) -> str:
    return f"/admin/signup/attributefield/{field.pk}/change/"


def test_the_change_page_offers_a_row_for_another_language(admin_client, company):
    response = admin_client.get(change_url(company))

    assertContains(response, 'name="translations-0-language"')
    assertContains(response, '<option value="de">Deutsch</option>', html=True)
    assertNotContains(response, '<option value="en">English</option>', html=True)


def test_a_translation_added_in_the_admin_is_served_on_the_next_request(admin_client, client, company):
    assertContains(client.get("/signup/", **GERMAN), "Company")
    row = {"language": "de", "label": "Firma", "help_text": "", "placeholder": "Beispiel AG", "field": str(company.pk)}

    response = admin_client.post(change_url(company), change_form(company, row))

    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert list(company.translations.values_list("language", "label", "placeholder")) == [
        ("de", "Firma", "Beispiel AG")
    ]
    german = client.get("/signup/", **GERMAN)
    assertContains(german, '<label for="id_custom:company">Firma</label>', html=True)
    assertContains(german, "Where you work")  # no German help text: the field's own


def test_the_admin_refuses_the_same_language_twice_and_an_empty_row(admin_client, company):
    row = {"language": "de", "label": "Firma", "help_text": "", "placeholder": "", "field": str(company.pk)}
    empty = {**row, "language": "fr", "label": ""}

    twice = admin_client.post(change_url(company), change_form(company, row, row))
    blank = admin_client.post(change_url(company), change_form(company, empty))

    assert twice.status_code == blank.status_code == 200
    formset = twice.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors()
    assert [e.code for e in blank.context["inline_admin_formsets"][0].formset.errors[0]["__all__"].as_data()] == [
        "empty_translation"
    ]
    assert not company.translations.exists()


def test_the_admin_deletes_a_translation_and_the_form_falls_back(admin_client, client, company):
    german = company.translations.create(language="de", label="Firma")
    assertContains(client.get("/signup/", **GERMAN), "Firma")
    row = {"id": str(german.pk), "field": str(company.pk), "language": "de", "label": "Firma", "DELETE": "on"}

    response = admin_client.post(change_url(company), change_form(company, row, initial=1))

    assert response.status_code == 302
    assert not company.translations.exists()
    assertContains(client.get("/signup/", **GERMAN), '<label for="id_custom:company">Company</label>', html=True)


PREVIEW_URL = "/admin/signup/attributefield/preview/"


def test_the_preview_shows_the_form_in_the_language_chosen(admin_client, company):
    company.translations.create(language="de", label="Firma")

    german = admin_client.get(PREVIEW_URL, {"language": "de"})
    default = admin_client.get(PREVIEW_URL)

    assertContains(german, '<html lang="de" dir="ltr">')
    assertContains(german, '<label for="id_custom:company">Firma</label>', html=True)
    assertContains(german, '<a href="?language=fr" lang="fr" hreflang="fr">Français</a>', html=True)
    assertContains(default, '<label for="id_custom:company">Company</label>', html=True)


def test_the_preview_ignores_a_language_the_portal_does_not_have(admin_client, company):
    response = admin_client.get(PREVIEW_URL, {"language": "xx"})

    assert response.status_code == 200
    assertContains(response, '<html lang="en" dir="ltr">')
