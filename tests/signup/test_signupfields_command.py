"""`manage.py signupfields export|import`: the form configuration as code, all or nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from signup.models import AttributeField, AttributeFieldTranslation
from signup.selectors import attribute_field_list_active

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_pool(no_pool_to_read):
    """Local checks only, unless a test points the portal at a pool."""


@pytest.fixture
def no_pool_to_read(settings):
    # COGNITO_LOCAL with no pool id: signup.pool cannot read anything and says so quickly.
    settings.COGNITO_USER_POOL_ID = ""


def export_text() -> str:
    out = io.StringIO()
    call_command("signupfields", "export", stdout=out)
    return out.getvalue()


def a_rich_configuration():
    AttributeField.objects.all().delete()
    AttributeField.objects.create(attribute_name="email", label="Email", input_type="email", required=True, position=1)
    plan = AttributeField.objects.create(
        attribute_name="custom:plan",
        label="Plan — “Pro” or not",
        help_text="Choose <wisely>",
        input_type="select",
        choices=[{"value": "free", "label": "Free"}, {"value": "pro", "label": "Pro"}],
        initial="free",
        position=2,
    )
    plan.translations.create(language="de", label="Tarif — „Pro“ oder nicht", help_text="Wählen Sie <weise>")
    plan.translations.create(language="ja", placeholder="プラン")
    age = AttributeField.objects.create(
        attribute_name="custom:age", label="Age", input_type="number", min_value="18", max_value="120.5", position=3
    )
    age.translations.create(language="ar", label="العمر", help_text="", placeholder="")
    AttributeField.objects.create(
        attribute_name="phone_number", label="Phone", input_type="tel", phone_region="GB", enabled=False, position=4
    )
    AttributeField.objects.create(
        attribute_name="invite_code",
        label="Invite code",
        destination="validation_data",
        regex="[A-Z]{3}-[0-9]+",
        regex_message="Like ABC-123.",
        min_length=5,
        max_length=20,
        autocomplete="off",
        placeholder="ABC-123",
        position=5,
    )


def test_export_import_export_gives_identical_output(tmp_path):
    a_rich_configuration()
    first = export_text()
    path = tmp_path / "fields.json"
    path.write_text(first, encoding="utf-8")

    AttributeField.objects.all().delete()
    call_command("signupfields", "import", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert export_text() == first
    assert AttributeField.objects.count() == 5
    assert AttributeFieldTranslation.objects.count() == 3


def test_the_export_gives_each_field_its_texts_in_other_languages(tmp_path):
    a_rich_configuration()

    fields = {field["attribute_name"]: field for field in json.loads(export_text())["fields"]}

    assert fields["custom:plan"]["translations"] == {
        "de": {"label": "Tarif — „Pro“ oder nicht", "help_text": "Wählen Sie <weise>", "placeholder": ""},
        "ja": {"label": "", "help_text": "", "placeholder": "プラン"},
    }
    assert fields["email"]["translations"] == {}


def test_export_writes_a_documented_versioned_document_to_a_file(tmp_path):
    a_rich_configuration()
    path = tmp_path / "out.json"

    call_command("signupfields", "export", str(path))

    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["version"] == 1
    age = next(f for f in document["fields"] if f["attribute_name"] == "custom:age")
    assert (age["min_value"], age["max_value"]) == ("18", "120.5")
    assert [f["attribute_name"] for f in document["fields"]] == [
        "email",
        "custom:plan",
        "custom:age",
        "phone_number",
        "invite_code",
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ([{"attribute_name": "email_verified", "label": "x"}], "fields[0] (email_verified): attribute_name:"),
        ([{"attribute_name": "given_name", "label": "x", "colour": "red"}], "unknown key(s) colour"),
        ([{"attribute_name": "given_name", "label": "x", "min_length": 9, "max_length": 3}], "cannot be greater"),
        ([{"attribute_name": "given_name", "label": "x", "regex": "(("}], "fields[0] (given_name): regex:"),
        ([{"attribute_name": "custom:age", "label": "x", "input_type": "number", "min_value": "many"}], "min_value"),
        ([{"attribute_name": "given_name", "label": "x", "required": "yes"}], "required: true or false"),
        (
            [{"attribute_name": "email", "label": "a"}, {"attribute_name": "email", "label": "b"}],
            "fields[1] (email): attribute_name: already used by fields[0]",
        ),
        (
            [{"attribute_name": "custom:plan", "label": "Plan", "input_type": "select"}],
            "fields[0] (custom:plan): choices",
        ),
        (
            [{"attribute_name": "given_name", "label": "x", "translations": {"de": {"label": "y"}, "xx": {}}}],
            "fields[0] (given_name): translations: unknown language(s) xx; use one of de, fr, es,",
        ),
        (
            [{"attribute_name": "given_name", "label": "x", "translations": {"en": {"label": "y"}}}],
            "translations: en is the default language",
        ),
        (
            [{"attribute_name": "given_name", "label": "x", "translations": ["de"]}],
            "fields[0] (given_name): translations: an object",
        ),
        (
            [{"attribute_name": "given_name", "label": "x", "translations": {"de": {"colour": "rot"}}}],
            "translations.de: unknown key(s) colour",
        ),
        (
            [{"attribute_name": "given_name", "label": "x", "translations": {"de": {"label": 5}}}],
            "translations.de: label: a string",
        ),
        (
            [{"attribute_name": "given_name", "label": "x", "translations": {"de": {"label": "y" * 101}}}],
            "translations.de: label: Ensure this value has at most 100 characters",
        ),
        (
            [{"attribute_name": "given_name", "label": "x", "translations": {"de": {"label": ""}}}],
            "translations.de: Give at least one of the label, help text and placeholder",
        ),
    ],
)
def test_a_bad_file_changes_nothing_and_says_which_field_is_wrong(tmp_path, fields, message):
    a_rich_configuration()
    before = export_text()
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"version": 1, "fields": fields}), encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        call_command("signupfields", "import", str(path), stderr=io.StringIO())

    assert "Nothing was imported" in str(caught.value)
    assert message in str(caught.value)
    assert export_text() == before


def test_a_bad_field_after_good_ones_still_changes_nothing(tmp_path):
    a_rich_configuration()
    before = export_text()
    path = tmp_path / "bad.json"
    document = {
        "version": 1,
        "fields": [{"attribute_name": "given_name", "label": "First name"}, {"attribute_name": "sub", "label": "x"}],
    }
    path.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(CommandError, match=r"fields\[1\] \(sub\)"):
        call_command("signupfields", "import", str(path), stderr=io.StringIO())

    assert export_text() == before


@pytest.mark.parametrize(
    "text", ["not json", "[]", '{"version": 2, "fields": []}', '{"version": 1}', '{"version": 1, "fields": {}}']
)
def test_a_malformed_document_is_refused(tmp_path, text):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("signupfields", "import", str(path), stderr=io.StringIO())


def test_a_bad_file_exits_non_zero_from_the_command_line(tmp_path, capsys, monkeypatch):
    # Django is set up already; setting it up again would point the log handlers at this test's captured stderr.
    monkeypatch.setattr("django.setup", lambda *args, **kwargs: None)
    path = tmp_path / "bad.json"
    path.write_text('{"version": 1, "fields": [{"attribute_name": "sub", "label": "x"}]}', encoding="utf-8")

    with pytest.raises(SystemExit) as caught:
        execute_from_command_line(["manage.py", "signupfields", "import", str(path)])

    assert caught.value.code != 0
    assert "fields[0] (sub)" in capsys.readouterr().err


def test_an_import_reaches_every_instance_through_the_cache(tmp_path):
    a_rich_configuration()
    assert next(spec.attribute_name for spec in attribute_field_list_active()) == "email"  # now cached
    path = tmp_path / "fields.json"
    path.write_text(
        json.dumps({"version": 1, "fields": [{"attribute_name": "given_name", "label": "First name"}]}),
        encoding="utf-8",
    )

    call_command("signupfields", "import", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert [spec.attribute_name for spec in attribute_field_list_active()] == ["given_name"]


def test_imported_translations_reach_the_running_portal(tmp_path, client):
    a_rich_configuration()
    client.get("/signup/", HTTP_ACCEPT_LANGUAGE="de")  # this process now holds the configuration
    path = tmp_path / "fields.json"
    field = {"attribute_name": "given_name", "label": "First name", "required": True}
    field["translations"] = {"de": {"label": "Vorname (importiert)"}}
    path.write_text(json.dumps({"version": 1, "fields": [field]}), encoding="utf-8")

    call_command("signupfields", "import", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    german = client.get("/signup/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<label for="id_given_name">Vorname (importiert)</label>' in german


def test_import_validates_against_the_pool_exactly_like_the_admin(tmp_path, local_cognito):
    # The test pool (tests/conftest.py) has every standard attribute and custom:company, not custom:missing.
    path = tmp_path / "fields.json"
    path.write_text(
        json.dumps({"version": 1, "fields": [{"attribute_name": "custom:missing", "label": "Missing"}]}),
        encoding="utf-8",
    )

    with pytest.raises(
        CommandError, match=r"fields\[0\] \(custom:missing\): attribute_name: The user pool has no attribute"
    ):
        call_command("signupfields", "import", str(path), stderr=io.StringIO())

    path.write_text(
        json.dumps({"version": 1, "fields": [{"attribute_name": "custom:company", "label": "Company"}]}),
        encoding="utf-8",
    )
    err = io.StringIO()
    call_command("signupfields", "import", str(path), stdout=io.StringIO(), stderr=err)
    assert list(AttributeField.objects.values_list("attribute_name", flat=True)) == ["custom:company"]
