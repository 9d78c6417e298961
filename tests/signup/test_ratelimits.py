"""Rate limits and the honeypot: separate buckets per client IP and per username, counted in the
real (local-memory) cache, a 429 page with Retry-After, and no Cognito call once over a limit."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from signup import errors, keys, ratelimits
from signup.forms import HONEYPOT_FIELD
from signup.journey import journey_load
from signup.models import AttributeField
from signup.ratelimits import Rate
from tests.helpers import PASSWORD, expect_sign_up, form_data

# The clock stands still unless a test moves it: fixed windows never roll over in the middle of a test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


# --- The SIGNUP_RATE_LIMIT contract ---------------------------------------------------------------------------------


def test_b6_unset_means_the_defaults_for_every_action_and_key():
    rates = ratelimits.parse("")
    assert {(rate.action, rate.key) for rate in rates} == {
        (action, key)
        for action in ratelimits.ACTIONS
        for key in ratelimits.KEYS
        if key != "destination" or action in ratelimits.CODE_ACTIONS
    }
    assert Rate(action="signup", count=30, period=60, key="ip") in rates
    # At most five codes to one address per hour, whichever of sign-up, resend or resume asks for them.
    assert {rate for rate in rates if rate.key == "destination"} == {
        Rate(action=action, count=5, period=3600, key="destination") for action in ratelimits.CODE_ACTIONS
    }


def test_b6_off_switches_every_limit_off():
    assert ratelimits.parse("off") == ()
    assert ratelimits.parse(" OFF ") == ()


def test_b6_a_list_of_rules_with_numbered_periods():
    assert ratelimits.parse("signup:3/10s/ip, resend:2/15m/username,confirm:1/d/ip,resume:4/2h/username") == (
        Rate(action="signup", count=3, period=10, key="ip"),
        Rate(action="resend", count=2, period=900, key="username"),
        Rate(action="confirm", count=1, period=86400, key="ip"),
        Rate(action="resume", count=4, period=7200, key="username"),
    )


@pytest.mark.parametrize(
    "value",
    [
        "signup",
        "signup:20/m",
        "signup:20/m/ip,",
        "signin:20/m/ip",
        "signup:-1/m/ip",
        "signup:0/m/ip",
        "signup:5/0m/ip",
        "signup:5/y/ip",
        "signup:5/m/email",
        "signup:5/m/IP",
    ],
)
def test_b6_a_malformed_value_is_improperly_configured_naming_the_variable(value):
    with pytest.raises(ImproperlyConfigured, match="SIGNUP_RATE_LIMIT"):
        ratelimits.parse(value)


# --- Sign-up ---------------------------------------------------------------------------------------------------------


def test_b6_one_ip_over_its_sign_up_limit_gets_a_429_page_and_cognito_is_not_called(client, stubber, settings):
    settings.SIGNUP_RATE_LIMIT = "signup:3/m/ip"
    taken(stubber, 3)
    for n in range(3):
        assert client.post("/signup/", form_data(username=f"user{n}")).status_code == 200  # reached Cognito

    response = client.post("/signup/", form_data())  # valid, but over the limit: the Stubber has nothing queued

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assertContains(response, "You have tried this too often", status_code=429)
    assertContains(response, 'value="alice@example.com"', status_code=429)  # the typed values survive
    assert "no-store" in response["Cache-Control"]


def test_b6_a_spoofed_x_forwarded_for_does_not_change_the_ip_bucket(client, stubber, settings):
    settings.SIGNUP_RATE_LIMIT = "signup:2/m/ip"
    taken(stubber, 2)
    statuses = [
        client.post("/signup/", form_data(username=f"u{n}"), HTTP_X_FORWARDED_FOR=f"6.6.6.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def taken(stubber, times=1):
    """Cognito answers "username exists": a submission that passed local validation and reached Cognito."""
    for _ in range(times):
        stubber.add_client_error("sign_up", service_error_code="UsernameExistsException")


def test_b6_one_username_from_rotating_ips_is_limited_by_its_own_bucket(client, stubber, settings):
    settings.DJANGO_TRUSTED_PROXY_COUNT = 1
    settings.SIGNUP_RATE_LIMIT = "signup:100/m/ip,signup:2/h/username"
    taken(stubber, 2)
    statuses = [
        client.post("/signup/", form_data(), HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]  # the third never reaches Cognito
    # Case does not make a new bucket; another username from the same addresses is not affected.
    assert client.post("/signup/", form_data(username="ALICE")).status_code == 429
    taken(stubber)
    assert client.post("/signup/", form_data(username="bob")).status_code == 200


def test_b6_the_username_bucket_counts_only_attempts_that_reach_cognito(client, stubber, settings):
    settings.SIGNUP_RATE_LIMIT = "signup:1/h/username"
    for _ in range(5):  # typos and a too-short password: fixed locally, never sent, never counted
        assert client.post("/signup/", form_data(password="short")).status_code == 200
    expect_sign_up(stubber)
    assertRedirects(client.post("/signup/", form_data()), "/signup/confirm/", fetch_redirect_response=False)
    assert client.post("/signup/", form_data()).status_code == 429


def test_b6_requests_without_a_known_address_share_one_bucket(client, stubber, settings):
    settings.SIGNUP_RATE_LIMIT = "signup:2/m/ip"
    taken(stubber, 2)
    statuses = [client.post("/signup/", form_data(username=f"u{n}"), REMOTE_ADDR="").status_code for n in range(3)]
    assert statuses == [200, 200, 429]


def test_b6_a_rate_limit_hit_is_logged_with_the_client_ip_from_the_one_helper(client, stubber, settings, caplog):
    settings.DJANGO_TRUSTED_PROXY_COUNT = 1
    settings.SIGNUP_RATE_LIMIT = "signup:1/m/ip"
    taken(stubber)
    for n in range(2):
        client.post("/signup/", form_data(username=f"u{n}"), HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    (hit,) = [r.getMessage() for r in caplog.records if "ratelimit.hit" in r.getMessage()]
    assert "action=signup key=ip" in hit
    assert "client_ip=203.0.113.9" in hit


def test_b6_the_cache_holds_no_usernames_only_keyed_hashes(client, stubber, settings):
    settings.SIGNUP_RATE_LIMIT = "signup:5/h/username"
    taken(stubber)
    client.post("/signup/", form_data(username="carol.unique"))
    keys = [key for key in cache._cache if "ratelimit" in key]
    assert keys
    assert not any("carol" in key for key in keys)


def test_b6_off_disables_the_limits(client, stubber, settings):
    settings.SIGNUP_RATE_LIMIT = "off"
    assert {client.post("/signup/", form_data(password="")).status_code for _ in range(30)} == {200}


def test_b6_the_default_limits_allow_a_person_several_tries(client, stubber):
    taken(stubber, 5)
    assert {client.post("/signup/", form_data()).status_code for _ in range(5)} == {200}
    assert client.post("/signup/", form_data()).status_code == 429  # 5/h per username


def test_b6_a_cache_outage_fails_open(client, stubber, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "add", broken)
    expect_sign_up(stubber)
    assertRedirects(client.post("/signup/", form_data()), "/signup/confirm/", fetch_redirect_response=False)
    assert any("ratelimit.cache_unavailable" in record.getMessage() for record in caplog.records)


# --- Confirm, resend, resume -------------------------------------------------------------------------------------


def start_journey(client, stubber):
    expect_sign_up(stubber)
    client.post("/signup/", form_data())


def wrong_code(stubber, times=1):
    for _ in range(times):
        stubber.add_client_error("confirm_sign_up", service_error_code="CodeMismatchException")


def test_b6_confirm_is_limited_per_username_in_the_session(client, stubber, settings):
    settings.SIGNUP_RATE_LIMIT = "confirm:2/h/username"
    start_journey(client, stubber)
    wrong_code(stubber, 2)
    statuses = [client.post("/signup/confirm/", {"code": "123456"}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]  # a wrong code redirects back to the code step (POST/redirect/GET)


def test_b6_confirm_is_limited_per_ip_for_codes_that_reach_cognito(client, stubber, settings):
    settings.SIGNUP_RATE_LIMIT = "confirm:2/m/ip"
    start_journey(client, stubber)
    # Malformed codes are refused locally: they cost Cognito nothing and are not counted.
    assert {client.post("/signup/confirm/", {"code": "12"}).status_code for _ in range(5)} == {200}
    wrong_code(stubber, 2)
    statuses = [client.post("/signup/confirm/", {"code": "123456"}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]  # a wrong code redirects back to the code step (POST/redirect/GET)


def test_b6_a_tampered_username_in_a_confirm_post_does_not_escape_the_session_bucket(client, stubber, settings):
    settings.SIGNUP_RATE_LIMIT = "confirm:1/h/username"
    start_journey(client, stubber)
    wrong_code(stubber)
    client.post("/signup/confirm/", {"code": "123456", "username": "someone-else"})
    assert client.post("/signup/confirm/", {"code": "123456", "username": "another"}).status_code == 429


def test_b6_resend_is_limited_and_cognito_is_not_called_over_the_limit(client, stubber, settings):
    settings.SIGNUP_RATE_LIMIT = "resend:1/h/ip"
    start_journey(client, stubber)
    client.post("/signup/confirm/resend/")  # within the resend cooldown: no Cognito call either

    response = client.post("/signup/confirm/resend/")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_b6_resume_is_limited_per_submitted_username(client, stubber, settings):
    settings.SIGNUP_RATE_LIMIT = "resume:1/h/username"
    stubber.add_client_error(
        "resend_confirmation_code", service_error_code="InvalidParameterException", service_message="User is confirmed"
    )
    assert client.post("/signup/resume/", {"username": "dave"}).status_code == 200
    response = client.post("/signup/resume/", {"username": "dave"})
    assert response.status_code == 429
    assertContains(response, "You have tried this too often", status_code=429)


# --- Honeypot --------------------------------------------------------------------------------------------------------


def test_b6_the_honeypot_is_hidden_from_people_and_assistive_technology(client):
    html = client.get("/signup/").content.decode()
    container = re.search(r'<div class="hp-field" aria-hidden="true">(.*?)</div>', html, re.S)
    assert container
    tag = re.search(rf'<input[^>]*name="{HONEYPOT_FIELD}"[^>]*>', container.group(1)).group(0)
    assert 'tabindex="-1"' in tag
    assert 'autocomplete="off"' in tag
    label = re.search(r"<label[^>]*>(.*?)</label>", container.group(1)).group(1)
    assert "username" not in label.lower()
    assert "password" not in label.lower()
    # The accessible names "Username" and "Password" stay unique on the page.
    assert len(re.findall(r"<label[^>]*>\s*Username\b", html)) == 1
    assert len(re.findall(r"<label[^>]*>\s*Password\b", html)) == 1


def test_b6_a_filled_honeypot_pretends_success_and_never_calls_cognito(client, stubber, caplog):
    response = client.post("/signup/", form_data(**{HONEYPOT_FIELD: "http://spam.example"}))

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    assert journey_load(client.session) is None  # nothing stored: the confirm page sends it back to the form
    assert any("outcome=honeypot" in record.getMessage() for record in caplog.records)


def test_b6_an_empty_honeypot_is_a_normal_sign_up(client, stubber):
    expect_sign_up(stubber)
    response = client.post("/signup/", form_data(**{HONEYPOT_FIELD: ""}))
    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    assert journey_load(client.session).username == "alice"
    assertNotContains(client.get("/signup/confirm/"), HONEYPOT_FIELD)


def test_a_resend_inside_the_cooldown_is_a_429_page_not_a_500(client, stubber, settings):
    settings.SIGNUP_RATE_LIMIT = "off"
    start_journey(client, stubber)

    response = client.post("/signup/confirm/resend/")

    assert response.status_code == 429
    assertContains(response, "Please wait before asking for another code.", status_code=429)
    assert int(response["Retry-After"]) > 0


# --- Destinations: codes to one address, whichever way they are asked for ------------------------------------------


def sent(stubber, operation="sign_up", delivery=None, times=1):
    """Cognito sends a code (by email unless `delivery` says otherwise)."""
    delivery = delivery or {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    response = {"UserConfirmed": False, "UserSub": "5c1b6f3e-1111-4222-8333-944445555666"}
    for _ in range(times):
        if operation == "sign_up":
            stubber.add_response("sign_up", {**response, "CodeDeliveryDetails": delivery})
        else:
            stubber.add_response("resend_confirmation_code", {"CodeDeliveryDetails": delivery})


def test_the_sixth_code_to_one_address_within_an_hour_is_refused_across_sign_up_resend_and_resume(
    client, stubber, settings
):
    settings.SIGNUP_RESEND_COOLDOWN = 0  # only the destination limit stands between the codes
    sent(stubber)
    assertRedirects(
        client.post("/signup/", form_data(username="one")), "/signup/confirm/", fetch_redirect_response=False
    )
    sent(stubber, "resend", times=2)
    assert [client.post("/signup/confirm/resend/").status_code for _ in range(2)] == [302, 302]
    sent(stubber, "resend")
    assert client.post("/signup/resume/", {"username": "one"}).status_code == 302  # the fourth code
    sent(stubber)
    assert client.post("/signup/", form_data(username="two")).status_code == 302  # the fifth, another username

    # The sixth, for a third username and the address written differently: nothing queued, so nothing reaches Cognito.
    response = client.post("/signup/", form_data(username="three", email=" ALICE@Example.com "))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert client.post("/signup/confirm/resend/").status_code == 429
    assert client.post("/signup/resume/", {"username": "one"}).status_code == 429


def test_the_cache_holds_destinations_only_as_keyed_hashes(client, stubber):
    sent(stubber)
    client.post("/signup/", form_data(username="erin", email="erin.secret@example.org"))

    assert any(":destination:" in key for key in cache._cache)
    for key, value in cache._cache.items():
        assert "erin.secret" not in key
        assert b"erin.secret" not in value


def test_other_addresses_have_their_own_destination_buckets(client, stubber, settings):
    settings.SIGNUP_RATE_LIMIT = "signup:1/h/destination"
    sent(stubber, times=2)
    assert client.post("/signup/", form_data(username="u1", email="first@example.com")).status_code == 302
    assert client.post("/signup/", form_data(username="u2", email="second@example.com")).status_code == 302
    assert client.post("/signup/", form_data(username="u3", email="first@example.com")).status_code == 429


# --- IPv6: one customer's /64 is one client ---------------------------------------------------------------------


def test_ipv6_clients_are_counted_per_64_and_ipv4_per_address(settings):
    assert keys.client_network("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64"
    assert keys.client_network("2001:db8:1:2::1") == keys.client_network("2001:db8:1:2:ffff::9")
    assert keys.client_network("2001:db8:1:3::1") != keys.client_network("2001:db8:1:2::1")
    assert keys.client_network("::ffff:203.0.113.7") == "203.0.113.7"
    assert keys.client_network("203.0.113.7") != keys.client_network("203.0.113.8")
    settings.SIGNUP_RATE_LIMIT_IPV6_PREFIX = 56
    assert keys.client_network("2001:db8:1:2ff::1") == "2001:db8:1:200::/56"


def test_addresses_of_one_ipv6_64_share_the_ip_bucket(client, stubber, settings):
    settings.SIGNUP_RATE_LIMIT = "signup:2/m/ip"
    taken(stubber, 3)
    statuses = [
        client.post("/signup/", form_data(username=f"v6-{n}"), REMOTE_ADDR=f"2001:db8:7:8::{n + 1:x}").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert client.post("/signup/", form_data(username="v6-other"), REMOTE_ADDR="2001:db8:7:9::1").status_code == 200


# --- SIGNUP_SMS_LIMIT: a budget of text messages for the whole deployment ----------------------------------------


@pytest.fixture
def phone_form():
    """The form asks for a phone number only, so the code goes by text message."""
    AttributeField.objects.all().delete()
    AttributeField.objects.create(attribute_name="phone_number", label="Phone", input_type="tel", required=True)


SMS = {"Destination": "+*******0123", "DeliveryMedium": "SMS", "AttributeName": "phone_number"}


def test_phone_sign_ups_over_the_sms_budget_are_told_to_try_later_and_a_warning_is_logged(
    client, stubber, settings, phone_form, caplog
):
    settings.SIGNUP_SMS_LIMIT = "2/h"
    sent(stubber, delivery=SMS, times=2)
    for n in range(2):
        data = {"username": f"p{n}", "password": PASSWORD, "phone_number": f"+4474001234{n:02d}"}
        assert client.post("/signup/", data).status_code == 302

    response = client.post("/signup/", {"username": "p9", "password": PASSWORD, "phone_number": "+447400123499"})

    assert response.status_code == 429
    assert response.context["error_code"] == "sms_budget_spent"
    assertContains(response, "Please try again later", status_code=429)
    assert int(response["Retry-After"]) > 0
    (warning,) = [r for r in caplog.records if "ratelimit.sms_budget_spent" in r.getMessage()]
    assert warning.levelname == "WARNING"
    assert "limit=2/h" in warning.getMessage()


def test_email_sign_ups_do_not_spend_the_sms_budget(client, stubber, settings):
    settings.SIGNUP_SMS_LIMIT = "1/h"
    sent(stubber, times=2)
    assert [
        client.post("/signup/", form_data(username=f"e{n}", email=f"e{n}@example.com")).status_code for n in range(2)
    ] == [302, 302]


@pytest.mark.parametrize("value", ["1/x", "0/h", "many", "200/0h"])
def test_a_malformed_sms_limit_is_improperly_configured_naming_the_variable(value):
    with pytest.raises(ImproperlyConfigured, match="SIGNUP_SMS_LIMIT"):
        ratelimits.parse_budget(value)


# --- Allowed countries: a field error before Cognito -------------------------------------------------------------


def test_a_phone_number_outside_the_fields_allowed_countries_is_a_field_error_and_cognito_is_not_called(
    client, stubber, phone_form
):
    AttributeField.objects.filter(attribute_name="phone_number").update(allowed_countries="GB, IE")

    response = client.post("/signup/", {"username": "frank", "password": PASSWORD, "phone_number": "+1 201 555 0123"})

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["phone_number"]] == ["country_not_allowed"]
    assertContains(response, "We cannot send codes to phone numbers in this country")
    sent(stubber, delivery=SMS)
    assert (
        client.post(
            "/signup/", {"username": "frank", "password": PASSWORD, "phone_number": "+44 7400 123456"}
        ).status_code
        == 302
    )


def test_a_refunded_attempt_no_longer_counts(settings):
    settings.SIGNUP_RATE_LIMIT = "admin_login:1/15m/username"
    counted = ratelimits.enforce("admin_login", username="admin")

    ratelimits.refund(counted)

    ratelimits.enforce("admin_login", username="admin")  # the refunded attempt left room for this one
    with pytest.raises(errors.RateLimited):
        ratelimits.enforce("admin_login", username="admin")


def test_refunding_a_bucket_whose_window_ended_meanwhile_is_no_error(settings):
    settings.SIGNUP_RATE_LIMIT = "admin_login:1/15m/username"
    counted = ratelimits.enforce("admin_login", username="admin")
    cache.clear()

    ratelimits.refund(counted)

    assert counted
