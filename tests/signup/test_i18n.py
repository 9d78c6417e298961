"""Languages: chosen by Accept-Language or the switcher; every message of ours translated in every language."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from pytest_django.asserts import assertContains, assertRedirects

from signup import pool

pytestmark = pytest.mark.django_db

LOCALE = Path(django_settings.BASE_DIR) / "locale"
TRANSLATED = [code for code, _ in django_settings.LANGUAGES if code != "en"]


@pytest.fixture(autouse=True)
def unreadable_pool(monkeypatch):
    monkeypatch.setattr(pool, "user_pool_description", lambda: None)


def po_entries(language: str) -> list[tuple[str, list[str], bool]]:
    """(msgid, [msgstr...], fuzzy) for each entry of a .po file (enough of the format for our own files)."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            if match := re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line):
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid"):
            entries.append((fields["msgid"], [v for k, v in fields.items() if k.startswith("msgstr")], fuzzy))
    return entries


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_compiled(language):
    entries = po_entries(language)

    assert len(entries) > 80
    assert [msgid for msgid, msgstrs, fuzzy in entries if fuzzy or not all(msgstrs)] == []
    mo = LOCALE / language / "LC_MESSAGES" / "django.mo"
    assert mo.stat().st_size > 0, "run `python manage.py compilemessages` and commit the .mo"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_matches_the_po_file(language):
    import gettext

    catalogue = gettext.GNUTranslations((LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb"))
    for msgid, msgstrs, _ in po_entries(language):
        if len(msgstrs) == 1:
            assert catalogue.gettext(msgid) == msgstrs[0], f"{msgid!r}: the .mo is stale; run compilemessages"


@pytest.mark.parametrize(
    ("accept_language", "lang", "heading", "label"),
    [
        ("de-DE,de;q=0.9", "de", "Registrieren", "Benutzername"),
        ("fr-CH, fr;q=0.9, en;q=0.8", "fr", "S’inscrire", "Nom d’utilisateur"),  # noqa: RUF001
        ("en-GB", "en", "Sign up", "Username"),
        ("ja-JP", "en", "Sign up", "Username"),
    ],
)
def test_the_language_follows_accept_language(client, accept_language, lang, heading, label):
    response = client.get("/signup/", HTTP_ACCEPT_LANGUAGE=accept_language)

    assertContains(response, f'<html lang="{lang}" dir="ltr">')
    assertContains(response, f"<h1>{heading}</h1>", html=True)
    assertContains(response, f'<label for="id_username">{label}</label>', html=True)


def test_the_language_switcher_works_as_a_plain_form(client):
    page = client.get("/signup/")
    assertContains(page, 'action="/i18n/setlang/"')
    assertContains(page, '<option value="de" lang="de">Deutsch</option>', html=True)

    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/signup/resume/"})

    assertRedirects(response, "/signup/resume/", fetch_redirect_response=False)
    assertContains(client.get("/signup/resume/"), "Obtenir un nouveau code de confirmation")


def test_our_error_messages_are_shown_in_the_users_language(client, stubber):
    stubber.add_client_error("sign_up", service_error_code="UsernameExistsException", service_message="User exists")

    response = client.post(
        "/signup/",
        {"username": "alice", "password": "Correct-Horse-9", "email": "alice@example.com"},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assertContains(response, "Dieser Benutzername ist bereits vergeben.")
    assertContains(response, "Es gibt ein Problem")


def test_the_password_rules_are_translated(client):
    assertContains(client.get("/signup/", HTTP_ACCEPT_LANGUAGE="fr"), "Au moins 8 caractères")


def test_the_configured_default_field_label_is_translated(client):
    assertContains(client.get("/signup/", HTTP_ACCEPT_LANGUAGE="de"), "E-Mail-Adresse")
