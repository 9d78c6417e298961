"""The whole journey over real HTTP against a second, independent emulator: cognito-local (npm), which generates and
checks its own codes. Assertions are on the portal's outcomes, since cognito-local differs from Cognito in details
(unmasked destinations, NotAuthorizedException for unknown users, no ResendConfirmationCode)."""

from __future__ import annotations

import os

import pytest
from botocore.exceptions import ClientError
from pytest_django.asserts import assertContains, assertRedirects

from signup import cognito
from tests.emulators.cognito_local import REQUIRED_ENV, VERSION, CognitoLocal, Unavailable
from tests.helpers import unique_username

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-9"


@pytest.fixture(scope="session")
def cognito_local_server(tmp_path_factory):
    server = CognitoLocal(tmp_path_factory.mktemp("cognito-local"))
    try:
        server.start()
    except Unavailable as reason:
        if os.environ.get(REQUIRED_ENV):
            pytest.fail(f"cognito-local is required here ({REQUIRED_ENV} is set) but cannot run: {reason}")
        pytest.skip(f"cognito-local is not available: {reason}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def cognito_local_pool(cognito_local_server):
    return cognito_local_server.provision()


@pytest.fixture
def cognito_local(cognito_local_server, cognito_local_pool, settings, monkeypatch):
    """Point the portal at cognito-local exactly as an operator would: settings and boto3's endpoint variable."""
    settings.COGNITO_USER_POOL_ID = cognito_local_pool.user_pool_id
    settings.COGNITO_REGION = cognito_local_pool.region
    settings.COGNITO_CLIENT_ID = cognito_local_pool.client_id
    settings.COGNITO_CLIENT_SECRET = cognito_local_pool.client_secret
    settings.SIGNUP_RESEND_COOLDOWN = 0
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", cognito_local_pool.endpoint_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    cognito.reset_clients()
    return cognito_local_server


def sign_up(client, username):
    data = {"username": username, "password": PASSWORD, "email": f"{username}@example.com"}
    return client.post("/signup/", data)


def wrong_code(right: str) -> str:
    return "000000" if right != "000000" else "111111"


def user_status(server: CognitoLocal, pool, username: str) -> str:
    return server.admin_client().admin_get_user(UserPoolId=pool.user_pool_id, Username=username)["UserStatus"]


def skip_unless_resend_is_supported(server: CognitoLocal, pool, username: str) -> None:
    try:
        server.admin_client().resend_confirmation_code(ClientId=pool.client_id, Username=username)
    except ClientError as error:
        if error.response["Error"]["Code"] == "Unsupported":
            pytest.skip(
                f"cognito-local {VERSION} has no ResendConfirmationCode (it answers HTTP 500 'Unsupported'); "
                "the resend step runs against the moto-based local Cognito and botocore's Stubber instead"
            )
        raise


@pytest.mark.parametrize("step", ["without resend", "with resend"])
def test_the_whole_journey_sign_up_wrong_code_right_code_done(client, cognito_local, cognito_local_pool, step):
    username = unique_username()

    assertRedirects(sign_up(client, username), "/signup/confirm/", fetch_redirect_response=False)
    assert user_status(cognito_local, cognito_local_pool, username) == "UNCONFIRMED"
    page = client.get("/signup/confirm/")
    assertContains(page, "We sent a code by email to")
    first_code = cognito_local.latest_code(cognito_local_pool.user_pool_id, username)
    assert first_code

    response = client.post("/signup/confirm/", {"code": wrong_code(first_code)}, follow=True)
    assert response.context["page_error"].code == "code_mismatch"
    assert user_status(cognito_local, cognito_local_pool, username) == "UNCONFIRMED"

    right_code = first_code
    if step == "with resend":
        skip_unless_resend_is_supported(cognito_local, cognito_local_pool, username)
        assertRedirects(client.post("/signup/confirm/resend/"), "/signup/confirm/", fetch_redirect_response=False)
        right_code = cognito_local.latest_code(cognito_local_pool.user_pool_id, username)

    response = client.post("/signup/confirm/", {"code": right_code})

    assertRedirects(response, "/signup/done/", fetch_redirect_response=False)
    assertContains(client.get("/signup/done/"), "Your account is ready")
    assert user_status(cognito_local, cognito_local_pool, username) == "CONFIRMED"


def test_confirm_acts_on_the_session_username_not_a_posted_one(client, cognito_local, cognito_local_pool):
    mine, theirs = unique_username(), unique_username()
    sign_up(client.__class__(), theirs)
    sign_up(client, mine)
    code = cognito_local.latest_code(cognito_local_pool.user_pool_id, mine)

    response = client.post("/signup/confirm/", {"code": code, "username": theirs})

    assertRedirects(response, "/signup/done/", fetch_redirect_response=False)
    assert user_status(cognito_local, cognito_local_pool, mine) == "CONFIRMED"
    assert user_status(cognito_local, cognito_local_pool, theirs) == "UNCONFIRMED"


def test_a_taken_username_is_told_so_and_offered_the_way_back(client, cognito_local):
    username = unique_username()
    sign_up(client.__class__(), username)

    response = sign_up(client, username)

    assert [e.code for e in response.context["form"].errors.as_data()["username"]] == ["username_exists"]
    assertContains(response, 'href="/signup/resume/"')
