"""The password policy: read from the pool where possible, from settings otherwise, enforced by the validator."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from signup import pool
from signup.password_policy import PasswordPolicy, password_policy_current
from signup.validators import CognitoPasswordPolicyValidator

STRICT = PasswordPolicy(
    min_length=10, require_uppercase=True, require_lowercase=True, require_numbers=True, require_symbols=True
)


def codes(validator, password):
    with pytest.raises(ValidationError) as raised:
        validator.validate(password)
    return [error.code for error in raised.value.error_list]


def test_the_pools_policy_is_used_when_the_pool_can_be_read(monkeypatch):
    description = {
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": True,
                "RequireLowercase": False,
                "RequireNumbers": True,
                "RequireSymbols": False,
            }
        }
    }
    monkeypatch.setattr(pool, "user_pool_description", lambda: description)

    assert password_policy_current() == PasswordPolicy(
        min_length=12, require_uppercase=True, require_numbers=True, source="pool"
    )


def test_the_settings_policy_is_used_when_the_pool_cannot_be_read(monkeypatch, settings):
    monkeypatch.setattr(pool, "user_pool_description", lambda: None)
    settings.SIGNUP_PASSWORD_MIN_LENGTH = 9
    settings.SIGNUP_PASSWORD_REQUIRE_SYMBOLS = True

    assert password_policy_current() == PasswordPolicy(min_length=9, require_symbols=True, source="settings")


def test_the_same_pool_description_gives_the_same_policy_object_and_a_new_one_is_read_again(monkeypatch):
    description = {"Policies": {"PasswordPolicy": {"MinimumLength": 12}}}
    monkeypatch.setattr(pool, "user_pool_description", lambda: description)
    first = password_policy_current()

    assert password_policy_current() is first  # the page cache recognises it by identity
    description = {"Policies": {"PasswordPolicy": {"MinimumLength": 14}}}  # a refreshed read: a new object
    assert password_policy_current().min_length == 14


def test_the_settings_policy_follows_a_change_of_settings(monkeypatch, settings):
    monkeypatch.setattr(pool, "user_pool_description", lambda: None)
    first = password_policy_current()

    assert password_policy_current() is first
    settings.SIGNUP_PASSWORD_MIN_LENGTH = 11
    assert password_policy_current().min_length == 11


def test_an_unexpected_failure_reading_the_pool_falls_back_to_settings(monkeypatch, caplog):
    def broken():
        raise RuntimeError("unexpected")

    monkeypatch.setattr(pool, "user_pool_description", broken)

    assert password_policy_current().source == "settings"
    assert "signup.password_policy read=failed error=RuntimeError" in caplog.text


def test_a_pool_without_a_password_policy_falls_back_to_settings(monkeypatch):
    monkeypatch.setattr(pool, "user_pool_description", lambda: {"Policies": {}})

    assert password_policy_current().source == "settings"


def test_the_policy_is_read_from_the_local_cognito_pool(local_cognito):
    policy = password_policy_current()

    assert (policy.source, policy.min_length, policy.require_symbols) == ("pool", 8, False)


def test_the_checklist_names_only_the_rules_the_policy_has(settings):
    settings.AUTH_PASSWORD_VALIDATORS = [{"NAME": "signup.validators.CognitoPasswordPolicyValidator"}]
    assert [rule.code for rule in PasswordPolicy(min_length=8).rules()] == ["min_length"]
    assert [rule.code for rule in STRICT.rules()] == ["min_length", "uppercase", "lowercase", "number", "symbol"]
    assert str(STRICT.rules()[0].text) == "At least 10 characters"


def test_the_checklist_says_common_passwords_are_refused_when_they_are(settings):
    rules = PasswordPolicy(min_length=8).rules()

    assert [(rule.code, rule.live) for rule in rules] == [("min_length", True), ("not_common", False)]
    assert str(rules[1].text) == "Not a commonly used password (checked when you send)"


@pytest.mark.parametrize(
    ("password", "unmet"),
    [
        ("Abcdefgh1!", []),
        ("abcdefgh1!", ["uppercase"]),
        ("ABCDEFGH1!", ["lowercase"]),
        ("Abcdefghi!", ["number"]),
        ("Abcdefghi1", ["symbol"]),
        ("Abcdef gh1", []),  # an inner space counts as a symbol for Cognito
        ("Abcdefghi1 ", ["symbol"]),  # a trailing one does not
        ("Ábcdéfghí1!", ["uppercase"]),  # Cognito counts only basic Latin letters
        ("Ab1!", ["min_length"]),
    ],
)
def test_each_rule_is_checked_the_way_cognito_checks_it(password, unmet):
    assert STRICT.unmet(password) == unmet


def test_the_validator_names_every_unmet_rule_with_its_own_code():
    validator = CognitoPasswordPolicyValidator(STRICT)

    assert codes(validator, "abc") == [
        "password_too_short",
        "password_no_uppercase",
        "password_no_number",
        "password_no_symbol",
    ]
    validator.validate("Abcdefgh1!")  # meets every rule: no exception


def test_the_validator_without_a_policy_uses_the_settings(settings):
    settings.SIGNUP_PASSWORD_MIN_LENGTH = 12

    assert codes(CognitoPasswordPolicyValidator(), "elevenchars") == ["password_too_short"]
    assert "At least 12 characters" in CognitoPasswordPolicyValidator().get_help_text()
