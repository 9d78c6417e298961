"""Cognito's risk script in a real browser: its data reaches Cognito as UserContextData.EncodedData, and a blocked
script neither stops a sign-up nor goes unnoticed."""

from __future__ import annotations

import copy
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from signup.risk_stats import risk_data_share
from tests.browser.helpers import fill_sign_up
from tests.helpers import unique_username

pytestmark = pytest.mark.django_db(transaction=True)

RISK_SCRIPT = re.compile(r"^https://amazon-cognito-assets\.us-east-1\.amazoncognito\.com/.*advanced-security-data")
# Stands in for Cognito's script: same global, same call, a known answer that names its arguments.
STAND_IN = """
window.AmazonCognitoAdvancedSecurityData = {
  getData: function (username, userPoolId, clientId) {
    return "stand-in:" + username + ":" + userPoolId + ":" + clientId;
  }
};
"""


SCRIPT_URL = "https://amazon-cognito-assets.us-east-1.amazoncognito.com/amazon-cognito-advanced-security-data.min.js"


@pytest.fixture
def risk_data_on(settings):
    """Collect risk data, as the settings module would have at start-up with COGNITO_USER_CONTEXT_DATA on."""
    settings.COGNITO_USER_CONTEXT_DATA = True
    settings.COGNITO_CONTEXT_DATA_SCRIPT_URL = SCRIPT_URL
    # A Content-Security-Policy built at start-up (risk data off in tests) must now allow the script's origin too.
    policy = copy.deepcopy(getattr(settings, "CONTENT_SECURITY_POLICY", None))
    if policy and "script-src" in policy.get("DIRECTIVES", {}):
        policy["DIRECTIVES"]["script-src"] = [
            *policy["DIRECTIVES"]["script-src"],
            "https://" + urlsplit(SCRIPT_URL).netloc,
        ]
        settings.CONTENT_SECURITY_POLICY = policy


def test_the_scripts_data_reaches_cognito_on_sign_up_confirm_and_resend(portal, page, risk_data_on):
    page.route(RISK_SCRIPT, lambda route: route.fulfill(body=STAND_IN, content_type="application/javascript"))
    username = unique_username()
    expected = f"stand-in:{username}:{portal.pool.user_pool_id}:{portal.pool.client_id}"

    page.goto(f"{portal.url}/signup/")
    page.wait_for_function("window.AmazonCognitoAdvancedSecurityData !== undefined")
    fill_sign_up(page, username)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(f"{portal.url}/signup/confirm/")

    page.wait_for_function("window.AmazonCognitoAdvancedSecurityData !== undefined")
    page.get_by_role("button", name="Send a new code").click()
    expect(page.get_by_text("We sent you a new code.")).to_be_visible()
    page.wait_for_function("window.AmazonCognitoAdvancedSecurityData !== undefined")
    page.get_by_label("Confirmation code").fill(portal.code_for(username))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(f"{portal.url}/signup/done/")

    for operation in ("SignUp", "ResendConfirmationCode", "ConfirmSignUp"):
        (request,) = portal.requests(operation)
        assert request.params["UserContextData"]["EncodedData"] == expected, operation
    assert risk_data_share().with_data == 1


def test_a_blocked_script_does_not_stop_the_sign_up_and_its_absence_is_counted(portal, page, risk_data_on, caplog):
    blocked = []
    page.route(RISK_SCRIPT, lambda route: (blocked.append(route.request.url), route.abort()))
    username = unique_username()

    page.goto(f"{portal.url}/signup/")
    fill_sign_up(page, username)
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(f"{portal.url}/signup/confirm/")
    assert blocked, "the page did not try to load the risk script"
    (request,) = portal.requests("SignUp")
    assert "EncodedData" not in request.params["UserContextData"]
    assert request.params["UserContextData"]["IpAddress"] == "127.0.0.1"
    share = risk_data_share()
    assert (share.with_data, share.without_data) == (0, 1)
    assert any("risk_data=absent" in record.getMessage() for record in caplog.records)


def test_pages_do_not_load_the_risk_script_when_it_is_switched_off(portal, page, settings):
    settings.COGNITO_USER_CONTEXT_DATA = False
    requested = []
    page.route(RISK_SCRIPT, lambda route: (requested.append(route.request.url), route.abort()))

    page.goto(f"{portal.url}/signup/")
    fill_sign_up(page, unique_username())
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(f"{portal.url}/signup/confirm/")
    assert requested == []
    assert risk_data_share().total == 0
