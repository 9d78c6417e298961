"""Admin-configured patterns run on unauthenticated input, so they are matched in linear time (RE2), and a pattern
RE2 cannot compile is refused wherever the configuration is written (the admin, the import)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from signup.models import AttributeField
from signup.validators import FullMatchValidator, linear_pattern_error
from tests.helpers import finishes_in_a_child, form_data

pytestmark = pytest.mark.django_db

# Each backtracks exponentially in Python's `re` on a long run of matching characters followed by one that fails.
CATASTROPHIC = [
    pytest.param(r"([A-Za-z]+ ?)*", "a" * 2047 + "!", id="([A-Za-z]+ ?)*"),
    pytest.param(r"(a+)+$", "a" * 2047 + "!", id="(a+)+$"),
    pytest.param(r"(a|aa)+$", "a" * 2047 + "!", id="(a|aa)+$"),
    pytest.param(r"(.*a){20}", "a" * 2047 + "!", id="(.*a){20}"),
]
# Python's `re` needs minutes (or longer than the universe) for these; RE2 microseconds. The bound is for a loaded
# machine's worst second, not a measurement: what the test pins is that the work no longer grows with the pattern.
GENEROUS_SECONDS = 10


@pytest.fixture(autouse=True)
def _local_checks_only(settings):
    settings.COGNITO_USER_POOL_ID = ""  # no pool to read: the admin and the import apply their local checks


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize(("pattern", "value"), CATASTROPHIC)
def test_a_catastrophic_pattern_is_matched_by_re2_and_refuses_the_value_without_backtracking(pattern, value):
    validator = FullMatchValidator(pattern, "Letters only.")

    outcome = finishes_in_a_child(lambda: _code_of(validator, value), seconds=GENEROUS_SECONDS)

    assert outcome == "pattern"


def _code_of(validator: FullMatchValidator, value: str) -> str:
    try:
        validator(value)
    except Exception as error:
        return str(getattr(error, "code", error))
    return "matched"


@pytest.mark.parametrize(("pattern", "value"), CATASTROPHIC)
def test_a_sign_up_post_against_a_catastrophic_pattern_answers_with_a_field_error(client, pattern, value):
    AttributeField.objects.create(attribute_name="nickname", label="Nickname", regex=pattern, position=9)

    def post() -> tuple[int, list[str]]:
        response = client.post("/signup/", form_data(nickname=value))
        errors = response.context["form"].errors.as_data().get("nickname", [])
        return response.status_code, [error.code for error in errors]

    assert finishes_in_a_child(post, seconds=GENEROUS_SECONDS) == (200, ["pattern"])


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(r"(a)\1", id="backreference"),
        pytest.param(r"(?=a)a", id="lookahead"),
        pytest.param(r"(?<!x)a", id="lookbehind"),
    ],
)
def test_re2_cannot_compile_backreferences_or_lookaround(pattern):
    assert linear_pattern_error(pattern)


def test_the_admin_refuses_a_pattern_re2_cannot_compile_with_a_message(admin_client):
    response = admin_client.post(
        "/admin/signup/attributefield/add/",
        {
            "attribute_name": "nickname",
            "label": "Nickname",
            "destination": "user_attributes",
            "input_type": "text",
            "position": "10",
            "regex": r"(a)\1",
            "choices": "[]",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert [error.code for error in errors["regex"]] == ["regex"]
    assert "This pattern cannot be used" in errors["regex"][0].message
    assert not AttributeField.objects.filter(attribute_name="nickname").exists()


def test_the_import_refuses_a_pattern_re2_cannot_compile_and_changes_nothing(tmp_path):
    path = tmp_path / "fields.json"
    field = {"attribute_name": "nickname", "label": "Nickname", "regex": r"(?=a)a"}
    path.write_text(json.dumps({"version": 1, "fields": [field]}), encoding="utf-8")
    before = list(AttributeField.objects.values_list("attribute_name", flat=True))

    with pytest.raises(CommandError, match=r"fields\[0\] \(nickname\): regex: This pattern cannot be used"):
        call_command("signupfields", "import", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert list(AttributeField.objects.values_list("attribute_name", flat=True)) == before
