"""Two portal instances (gunicorn, production settings) share one PostgreSQL and one Redis: any instance serves any
step of any user's journey, limits count across instances, and admin changes reach every instance without a restart.
"""

from __future__ import annotations

import importlib.util
import re
import secrets
import time

import boto3
import psycopg
import pytest

from tests.helpers import eventually
from tests.portal.production import in_django
from tests.scaleout.browser import Browser

PASSWORD = "Correct-Horse-Battery-9"


def _sign_up(browser: Browser, base_url: str, username: str):
    form = browser.get(f"{base_url}/signup/")
    assert form.status == 200
    return browser.post(
        f"{base_url}/signup/",
        {
            "csrfmiddlewaretoken": form.csrf_token(),
            "username": username,
            "password": PASSWORD,
            "email": f"{username}@example.com",
        },
    )


def test_a_sign_up_started_on_one_instance_is_confirmed_on_the_other(instances, deployment, local_cognito_server):
    first, second = instances
    browser = Browser()
    username = f"scale-{secrets.token_hex(4)}"

    started = _sign_up(browser, first.url, username)
    assert started.status == 302
    assert started.location.endswith("/signup/confirm/")

    confirm_page = browser.get(f"{second.url}/signup/confirm/")
    assert confirm_page.status == 200
    assert "s***@e***" in confirm_page.body  # the delivery details stored in the session by the other instance
    code = local_cognito_server.latest_code(deployment.user_pool_id, username)
    assert code
    confirmed = browser.post(
        f"{second.url}/signup/confirm/", {"csrfmiddlewaretoken": confirm_page.csrf_token(), "code": code}
    )
    assert confirmed.status == 302
    assert confirmed.location.endswith("/signup/done/")

    assert browser.get(f"{first.url}/signup/done/").status == 200
    user = boto3.client(
        "cognito-idp",
        region_name=deployment.env["COGNITO_REGION"],
        endpoint_url=deployment.env["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).admin_get_user(UserPoolId=deployment.user_pool_id, Username=username)
    assert user["UserStatus"] == "CONFIRMED"
    # Its sign-up record, written on PostgreSQL by one instance's batch writer and completed by the other's (which
    # may have had the confirmation before the record was written: it tries again).
    sub = {attribute["Name"]: attribute["Value"] for attribute in user["UserAttributes"]}["sub"]
    expected = [("EMAIL", "en", ["registered"], {}, True)]
    eventually(lambda: _record_of(deployment, sub) == expected, "the sign-up record was not written and confirmed")


def _record_of(deployment, sub: str) -> list[tuple]:
    with psycopg.connect(deployment.env["DATABASE_URL"]) as database:
        return database.execute(
            "SELECT delivery_medium, language, outcome_codes, consent_versions, confirmed_at >= created_at"
            " FROM signup_signuprecord WHERE user_sub = %s",
            (sub,),
        ).fetchall()


def test_the_records_a_process_holds_for_the_database_are_written_when_it_exits(deployment):
    held = in_django(
        deployment.env,
        "from signup import records\n"
        "records.writer.max_wait = 3600  # nothing would go out before the exit but for the exit\n"
        "records.signup_record_confirmed(user_sub='exit-late')  # before its record: tried again after the INSERT\n"
        "for sub in ('exit-late', 'exit-kept'):\n"
        "    records.signup_record_create(user_sub=sub, confirmed=False, delivery_medium='EMAIL', language='en',\n"
        "        risk_data=False, consent_versions={}, outcome_codes=['registered'])\n"
        "print(json.dumps(records.writer.pending()))",
    )

    assert held == 3
    with psycopg.connect(deployment.env["DATABASE_URL"]) as database:
        written = database.execute(
            "SELECT user_sub, confirmed_at IS NOT NULL FROM signup_signuprecord"
            " WHERE user_sub LIKE 'exit-%%' ORDER BY user_sub"
        ).fetchall()
    assert written == [("exit-kept", False), ("exit-late", True)]


@pytest.mark.skipif(
    importlib.util.find_spec("signup.ratelimits") is None,
    reason="needs issue 6 rate limits (signup.ratelimits, SIGNUP_RATE_LIMIT enforcement) which are not on main yet",
)
def test_rate_limits_count_sign_ups_across_both_instances(deployment):
    first = deployment.start("limited-a", SIGNUP_RATE_LIMIT="signup:3/m/ip")
    try:
        second = deployment.start("limited-b", SIGNUP_RATE_LIMIT="signup:3/m/ip")
    except Exception:
        first.stop()
        raise
    try:
        browser = Browser()
        outcomes = [
            _sign_up(browser, server.url, f"limit-{secrets.token_hex(4)}") for server in (first, second, first, second)
        ]
        assert [response.status for response in outcomes[:3]] == [302, 302, 302]
        assert outcomes[3].status == 429
        assert int(outcomes[3].headers["Retry-After"]) > 0
    finally:
        first.stop()
        second.stop()


def _admin_login(base_url: str, username: str, password: str) -> Browser:
    admin = Browser()
    login = admin.get(f"{base_url}/admin/login/?next=/admin/")
    assert login.status == 200
    response = admin.post(
        f"{base_url}/admin/login/?next=/admin/",
        {"csrfmiddlewaretoken": login.csrf_token(), "username": username, "password": password, "next": "/admin/"},
    )
    assert response.status == 302, "the operator could not log in to the admin"
    return admin


def test_a_field_added_in_the_admin_of_one_instance_is_served_by_the_other_without_a_restart(instances, deployment):
    first, second = instances
    label = f"Company name {secrets.token_hex(3)}"
    visitor = Browser()
    assert label not in visitor.get(f"{second.url}/signup/").body  # the other instance has the old form cached

    admin = _admin_login(first.url, *deployment.superuser)
    add_page = admin.get(f"{first.url}/admin/signup/attributefield/add/")
    assert add_page.status == 200
    fields = add_page.form_defaults("attributefield_form")  # everything the admin pre-fills, as a browser sends it
    fields.update({"attribute_name": "custom:company", "label": label, "position": "50", "enabled": "on"})
    saved = admin.post(f"{first.url}/admin/signup/attributefield/add/", {**fields, "_save": "Save"})
    assert saved.status == 302, "the admin did not accept the new field: " + " ".join(
        re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', saved.body, re.S)
    )

    deadline = time.monotonic() + 10
    while label not in (page := visitor.get(f"{second.url}/signup/")).body:
        assert time.monotonic() < deadline, "the other instance still serves the old form"
        time.sleep(0.2)
    assert page.status == 200


def test_a_translation_added_in_the_admin_of_one_instance_is_served_by_the_other(instances, deployment):
    first, second = instances
    german_label = f"Spitzname {secrets.token_hex(3)}"
    visitor = Browser()
    visitor.cookies["django_language"] = "de"  # what the language switcher sets
    assert german_label not in visitor.get(f"{second.url}/signup/").body  # the other instance has its German page

    admin = _admin_login(first.url, *deployment.superuser)
    add_page = admin.get(f"{first.url}/admin/signup/attributefield/add/")
    fields = add_page.form_defaults("attributefield_form")
    fields.update({"attribute_name": "nickname", "label": "Nickname", "position": "60", "enabled": "on"})
    fields.update({"translations-0-language": "de", "translations-0-label": german_label})  # the inline's first row
    saved = admin.post(f"{first.url}/admin/signup/attributefield/add/", {**fields, "_save": "Save"})
    assert saved.status == 302, "the admin did not accept the new field: " + " ".join(
        re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', saved.body, re.S)
    )

    deadline = time.monotonic() + 10
    while german_label not in visitor.get(f"{second.url}/signup/").body:
        assert time.monotonic() < deadline, "the other instance still serves the old German form"
        time.sleep(0.2)
    assert "Nickname" in Browser().get(f"{second.url}/signup/").body  # English visitors: the field's own label
