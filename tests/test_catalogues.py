"""Every shipped language is complete: each catalogue translates every message of the source, none is fuzzy, and
each translation keeps the source's format placeholders (a missing `%(name)s` would raise or drop a value)."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils.translation import to_locale

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]|\{(\w*)\}")
SOURCES = ("portal", "signup", "localcognito", "templates", "static")
IGNORED = ["node_modules", "*/node_modules"]
SHIPPED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / to_locale(language) / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text))


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory, monkeypatch_module) -> set[str]:
    """The messages the code marks today, extracted by makemessages into a scratch catalogue. makemessages writes
    next to the sources it walks, so it walks links to them from a scratch folder."""
    scratch = tmp_path_factory.mktemp("sources")
    for source in SOURCES:
        (scratch / source).symlink_to(ROOT / source)
    (scratch / "locale").mkdir()
    monkeypatch_module.chdir(scratch)
    with override_settings(LOCALE_PATHS=[scratch / "locale"]):
        call_command("makemessages", locale=["en"], symlinks=True, ignore_patterns=IGNORED, verbosity=0)
    messages = {entry.msgid for entry in polib.pofile(str(scratch / "locale" / "en" / "LC_MESSAGES" / "django.po"))}
    assert "Username" in messages  # the extraction itself worked
    return messages


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_twelve_languages_are_shipped():
    assert len(settings.LANGUAGES) >= 12


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []


@pytest.mark.parametrize("language", SHIPPED)
def test_plural_messages_have_every_form_of_the_language(language):
    po = catalogue(language)
    forms = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
    incomplete = [e.msgid for e in po if e.msgid_plural and sorted(e.msgstr_plural) != list(range(forms))]
    assert incomplete == []


def placeholder_problems(entry: polib.POEntry) -> list[tuple[str, str]]:
    """A singular message keeps exactly the source's placeholders. A plural message's forms may leave out the
    count where a form stands for one number only (Arabic's "two seconds", Polish "the last hour"), but never bring
    in another placeholder, and its last form (the general "other" one) keeps them all."""
    if not entry.msgid_plural:
        same = placeholders(entry.msgstr) == placeholders(entry.msgid)
        return [] if same else [(entry.msgid, entry.msgstr)]
    source = placeholders(entry.msgid_plural)
    forms = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    wrong = [(entry.msgid, form) for form in forms if not set(placeholders(form)) <= set(source)]
    if placeholders(forms[-1]) != source:
        wrong.append((entry.msgid, forms[-1]))
    return wrong


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_keep_the_source_placeholders(language):
    assert [
        problem for entry in catalogue(language).translated_entries() for problem in placeholder_problems(entry)
    ] == []


@pytest.mark.parametrize("language", SHIPPED)
def test_the_compiled_catalogue_matches_its_source(language):
    po_path = ROOT / "locale" / to_locale(language) / "LC_MESSAGES" / "django.po"
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    assert {entry.msgid: entry.msgstr for entry in mo if not entry.msgid_plural} == {
        entry.msgid: entry.msgstr for entry in catalogue(language).translated_entries() if not entry.msgid_plural
    }


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_the_code_marks_is_in_the_catalogue(language, source_messages):
    assert sorted(source_messages - {entry.msgid for entry in catalogue(language)}) == []
