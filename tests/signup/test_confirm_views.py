"""The code step as a user meets it: confirm, resend with its cooldown, coming back, starting again, and the
ambiguous sign-up outcome. Cognito is botocore's Stubber (nothing queued = any call fails the test), except for the
ambiguous outcome, where a real loopback HTTP server stands in for Cognito and is slower than the read timeout."""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.stub import ANY
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from signup import cognito
from tests.helpers import CLIENT_ID

pytestmark = pytest.mark.django_db

PASSWORD = "s3cret-Passphrase!"
DELIVERY = {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
SIGN_UP_RESPONSE = {"UserConfirmed": False, "UserSub": "5c1b6f3e-1111-4222-8333-944445555666"}


@pytest.fixture
def signed_up(client, stubber, settings, clock):
    """A browser that has just signed up as alice; her code went to a***@e***."""
    settings.SIGNUP_RESEND_COOLDOWN = 30
    stubber.add_response(
        "sign_up",
        {**SIGN_UP_RESPONSE, "CodeDeliveryDetails": DELIVERY},
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": ANY,
            "Username": "alice",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}],
            "UserContextData": {"IpAddress": "127.0.0.1"},
        },
    )
    response = client.post("/signup/", {"username": "alice", "password": PASSWORD, "email": "alice@example.com"})
    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    return client


def expect_confirm(stubber, code="123456"):
    stubber.add_response(
        "confirm_sign_up",
        {},
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": cognito.secret_hash("alice", CLIENT_ID, cognito.settings.COGNITO_CLIENT_SECRET),
            "Username": "alice",
            "ConfirmationCode": code,
            "ForceAliasCreation": False,
            "UserContextData": {"IpAddress": "127.0.0.1"},
        },
    )


def expect_resend(stubber, username="alice", delivery=None):
    stubber.add_response(
        "resend_confirmation_code",
        {"CodeDeliveryDetails": delivery or DELIVERY},
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": cognito.secret_hash(username, CLIENT_ID, cognito.settings.COGNITO_CLIENT_SECRET),
            "Username": username,
            "UserContextData": {"IpAddress": "127.0.0.1"},
        },
    )


def error_codes(response, field="__all__"):
    return [error.code for error in response.context["form"].errors.as_data().get(field, [])]


def page_error_code(response):
    """The stable code of the error the page shows (Cognito outcomes are page-level errors on the code step)."""
    page_error = response.context["page_error"]
    return page_error.code if page_error else None


def resend_region(response) -> str:
    pattern = r'<p class="help" id="resend-wait" aria-live="polite"[^>]*>(.*?)</p>'
    match = re.search(pattern, response.content.decode(), re.S)
    assert match, "the countdown lives in an aria-live=polite region"
    return match.group(1)


def resend_button(response) -> str:
    match = re.search(r'<button[^>]*id="resend-button"[^>]*>', response.content.decode())
    assert match
    return match.group(0)


# --- Confirm -----------------------------------------------------------------------------------------------------


def test_the_right_code_confirms_the_session_username_and_a_posted_username_is_ignored(signed_up, stubber):
    expect_confirm(stubber)

    response = signed_up.post("/signup/confirm/", {"code": "123 456", "username": "mallory"})

    assertRedirects(response, "/signup/done/", fetch_redirect_response=False)
    assertContains(signed_up.get("/signup/done/"), "Your account is ready")


@pytest.mark.parametrize(
    ("aws_code", "message", "code", "status", "says"),
    [
        ("CodeMismatchException", "", "code_mismatch", 200, "That code is not right"),
        ("ExpiredCodeException", "", "code_expired", 200, "Ask for a new code"),
        ("TooManyFailedAttemptsException", "", "too_many_failed_attempts", 429, "Wait a while"),
        ("LimitExceededException", "", "limit_exceeded", 429, "try again"),
        ("TooManyRequestsException", "", "too_many_requests", 429, "try again"),
        ("AliasExistsException", "", "alias_exists", 200, "already belongs to another account"),
        ("NotAuthorizedException", "User not authorized", "cognito_misconfigured", 503, "unavailable"),
        ("InternalErrorException", "", "cognito_internal_error", 503, "unavailable"),
        ("SomethingNewException", "", "cognito_bad_response", 503, "unavailable"),
    ],
)
def test_a_confirm_error_lands_where_the_user_can_act_and_never_500s(
    signed_up, stubber, aws_code, message, code, status, says
):
    stubber.add_client_error("confirm_sign_up", service_error_code=aws_code, service_message=message or "x")

    response = signed_up.post("/signup/confirm/", {"code": "123456"})

    if status == 200:
        # The person can act on it: POST, redirect, GET, so Back never asks to send the form again.
        assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
        response = signed_up.get("/signup/confirm/")
        assert page_error_code(signed_up.get("/signup/confirm/")) is None  # shown once
    assert response.status_code == status
    assert page_error_code(response) == code
    assertContains(response, says, status_code=status)
    assertContains(response, "a***@e***", status_code=status)  # still on the code step, delivery kept
    if status in (429, 503):
        assert int(response["Retry-After"]) > 0


def test_a_wrong_code_is_shown_next_to_the_code_field(signed_up, stubber):
    stubber.add_client_error("confirm_sign_up", service_error_code="CodeMismatchException")

    page = signed_up.post("/signup/confirm/", {"code": "123456"}, follow=True)

    assertContains(page, '<a href="#id_code">That code is not right. Check it and try again.</a>', html=True)
    assertContains(page, 'id="id_code_error"')


def test_a_wrong_code_redirects_so_back_never_re_posts_and_the_next_page_shows_the_error(signed_up, stubber):
    stubber.add_client_error("confirm_sign_up", service_error_code="CodeMismatchException")

    response = signed_up.post("/signup/confirm/", {"code": "123456"})

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    page = signed_up.get("/signup/confirm/")
    assert page.context["error_code"] == "code_mismatch"
    assertContains(page, '<a href="#id_code">That code is not right. Check it and try again.</a>', html=True)
    assertContains(page, 'id="id_code_error"')
    assertContains(page, "a***@e***")  # the journey is kept: same delivery, same code step
    again = signed_up.get("/signup/confirm/")
    assertNotContains(again, "That code is not right.")  # the error was for that one attempt


def test_an_expired_code_puts_the_resend_button_first_and_primary(signed_up, stubber, clock):
    clock.advance(60)
    stubber.add_client_error("confirm_sign_up", service_error_code="ExpiredCodeException")

    response = signed_up.post("/signup/confirm/", {"code": "123456"}, follow=True)

    page = response.content.decode()
    assert page.index('id="resend-form"') < page.index('action="/signup/confirm/"')
    assert "button--secondary" not in resend_button(response)
    assert "disabled" not in resend_button(response)


def test_a_wait_says_how_long_when_cognito_says_so(signed_up, stubber):
    stubber.add_client_error(
        "confirm_sign_up",
        service_error_code="LimitExceededException",
        response_meta={"HTTPHeaders": {"retry-after": "120"}},
    )

    response = signed_up.post("/signup/confirm/", {"code": "123456"})

    assert response.status_code == 429
    assert response["Retry-After"] == "120"
    assertContains(response, "You can try again in 2 minutes.", status_code=429)


def test_an_already_confirmed_account_is_done(signed_up, stubber):
    stubber.add_client_error(
        "confirm_sign_up",
        service_error_code="NotAuthorizedException",
        service_message="User cannot be confirmed. Current status is CONFIRMED",
    )

    response = signed_up.post("/signup/confirm/", {"code": "123456"})

    assertRedirects(response, "/signup/done/", fetch_redirect_response=False)
    assertContains(signed_up.get("/signup/done/"), "Your account is ready")


def test_an_unknown_account_sends_the_user_back_to_start_again(signed_up, stubber):
    stubber.add_client_error("confirm_sign_up", service_error_code="UserNotFoundException")

    response = signed_up.post("/signup/confirm/", {"code": "123456"}, follow=True)

    assertRedirects(response, "/signup/")
    assertContains(response, "Please sign up again")
    assertRedirects(signed_up.get("/signup/confirm/"), "/signup/")


def test_a_malformed_code_never_reaches_cognito(signed_up, stubber):
    response = signed_up.post("/signup/confirm/", {"code": "12ab"})

    assert error_codes(response, "code") == ["code_format"]


@pytest.mark.parametrize("path", ["/signup/confirm/", "/signup/confirm/resend/"])
def test_posting_without_a_sign_up_in_the_session_goes_to_the_form_without_calling_cognito(client, stubber, path):
    response = client.post(path, {"code": "123456", "username": "alice"})

    assertRedirects(response, "/signup/", fetch_redirect_response=False)


# --- Resend and its cooldown --------------------------------------------------------------------------------------


def test_the_resend_button_is_disabled_server_side_with_the_seconds_left_announced_politely(signed_up, clock):
    clock.advance(12)

    page = signed_up.get("/signup/confirm/")

    assert "disabled" in resend_button(page)
    assert 'data-wait="18"' in resend_button(page)
    assert resend_region(page) == "You can ask for a new code in 18 seconds."
    assertContains(page, "<noscript>")


def test_a_resend_during_the_cooldown_gets_429_with_retry_after_and_no_cognito_call(signed_up, stubber, clock):
    clock.advance(12)

    response = signed_up.post("/signup/confirm/resend/")

    assert response.status_code == 429
    assert response["Retry-After"] == "18"
    assert page_error_code(response) == "resend_cooldown"
    assert "disabled" in resend_button(response)


def test_after_the_cooldown_a_new_code_goes_to_the_session_username_not_a_posted_one(signed_up, stubber, clock):
    clock.advance(30)
    assert "disabled" not in resend_button(signed_up.get("/signup/confirm/"))
    expect_resend(stubber, delivery={"Destination": "+*******1234", "DeliveryMedium": "SMS"})

    response = signed_up.post("/signup/confirm/resend/", {"username": "mallory"}, follow=True)

    assertRedirects(response, "/signup/confirm/")
    assertContains(response, "We sent you a new code.")
    assertContains(response, 'We sent a code by text message to <bdi dir="ltr">+*******1234</bdi>')
    assert resend_region(response) == "You can ask for a new code in 30 seconds."


def test_a_resend_for_an_account_confirmed_meanwhile_is_done(signed_up, stubber, clock):
    clock.advance(30)
    stubber.add_client_error(
        "resend_confirmation_code",
        service_error_code="InvalidParameterException",
        service_message="User is already confirmed.",
    )

    assertRedirects(signed_up.post("/signup/confirm/resend/"), "/signup/done/", fetch_redirect_response=False)


def test_a_resend_refused_by_cognito_stays_on_the_code_step(signed_up, stubber, clock):
    clock.advance(30)
    stubber.add_client_error("resend_confirmation_code", service_error_code="CodeDeliveryFailureException")

    response = signed_up.post("/signup/confirm/resend/", follow=True)

    assertRedirects(response, "/signup/confirm/")
    assert page_error_code(response) == "code_delivery_failed"
    assertContains(response, "a***@e***")


# --- Start again --------------------------------------------------------------------------------------------------


def test_wrong_address_start_again_forgets_the_sign_up(signed_up):
    page = signed_up.get("/signup/confirm/")
    assertContains(page, 'action="/signup/restart/"')
    assertContains(page, "Wrong address?")

    assertRedirects(signed_up.post("/signup/restart/"), "/signup/")
    assertRedirects(signed_up.get("/signup/confirm/"), "/signup/")


def test_start_again_only_answers_post(client):
    assert client.get("/signup/restart/").status_code == 405


# --- Coming back --------------------------------------------------------------------------------------------------


def test_coming_back_to_an_unconfirmed_account_sends_a_code_and_lands_on_the_code_step(client, stubber):
    expect_resend(stubber, username="carol", delivery={**DELIVERY, "Destination": "c***@e***"})

    response = client.post("/signup/resume/", {"username": "carol"})

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    page = client.get("/signup/confirm/")
    assertContains(page, 'We sent a code by email to <bdi dir="ltr">c***@e***</bdi>')
    assertNotContains(page, "carol")  # the page shows Cognito's masked destination and nothing else about her


def strip_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_coming_back_to_a_confirmed_account_says_it_can_sign_in(client, stubber, settings):
    settings.SIGNUP_DEFAULT_RETURN_URL = "https://app.example.com/"
    stubber.add_client_error(
        "resend_confirmation_code",
        service_error_code="InvalidParameterException",
        service_message="User is already confirmed.",
    )

    response = client.post("/signup/resume/", {"username": "carol"})

    assert response.status_code == 200
    assertContains(response, "This account is already confirmed. You can sign in.")
    assertContains(response, 'href="https://app.example.com/"')
    assertRedirects(client.get("/signup/confirm/"), "/signup/", fetch_redirect_response=False)


def test_coming_back_to_an_unknown_account_says_nothing_is_waiting(client, stubber):
    stubber.add_client_error("resend_confirmation_code", service_error_code="UserNotFoundException")

    response = client.post("/signup/resume/", {"username": "carol"})

    assert error_codes(response, "username") == ["not_pending"]
    assertRedirects(client.get("/signup/confirm/"), "/signup/", fetch_redirect_response=False)


def test_with_uniform_outcome_coming_back_looks_the_same_for_every_username(client, stubber, settings):
    settings.SIGNUP_UNIFORM_OUTCOME = True
    stubber.add_client_error(
        "resend_confirmation_code",
        service_error_code="InvalidParameterException",
        service_message="User is already confirmed.",
    )
    stubber.add_client_error("resend_confirmation_code", service_error_code="UserNotFoundException")
    stubber.add_response("resend_confirmation_code", {"CodeDeliveryDetails": DELIVERY})

    pages = []
    for username in ("confirmed", "unknown", "pending"):
        other = client.__class__()
        assertRedirects(
            other.post("/signup/resume/", {"username": username}), "/signup/confirm/", fetch_redirect_response=False
        )
        pages.append(strip_csrf(other.get("/signup/confirm/")))

    assert pages[0] == pages[1] == pages[2]
    assert "waiting for confirmation" in pages[0]


def test_coming_back_inside_the_cooldown_leads_to_the_code_step_without_a_new_code(signed_up, stubber, clock):
    clock.advance(5)
    other = signed_up.__class__()

    response = other.post("/signup/resume/", {"username": "alice"})  # nothing queued: no Cognito call

    assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
    page = other.get("/signup/confirm/")
    assertContains(page, 'We sent a code by email to <bdi dir="ltr">a***@e***</bdi>')
    assert 'data-wait="25"' in resend_button(page)


# --- The ambiguous outcome: SignUp timed out, then "exists" -------------------------------------------------------


class SlowCognito(ThreadingHTTPServer):
    """Stands in for Cognito on loopback: the first SignUp answers only after the client gave up; later SignUps say
    the username exists (the first one went through); ResendConfirmationCode sends a code."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SlowCognitoHandler)
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class _SlowCognitoHandler(BaseHTTPRequestHandler):
    server: SlowCognito

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
        with self.server.lock:
            self.server.calls[operation] += 1
            attempt = self.server.calls[operation]
        if operation == "SignUp" and attempt == 1:
            self.server.release.wait(10)  # far past the portal's read timeout
            self._answer(200, {**SIGN_UP_RESPONSE, "CodeDeliveryDetails": DELIVERY})
        elif operation == "SignUp":
            self._answer(400, {"__type": "UsernameExistsException", "message": "User already exists"})
        elif operation == "ResendConfirmationCode":
            self._answer(200, {"CodeDeliveryDetails": DELIVERY})
        else:
            self._answer(400, {"__type": "InvalidParameterException", "message": operation})

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the portal stopped waiting long ago

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def slow_cognito(cognito_settings, settings, monkeypatch):
    server = SlowCognito()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.COGNITO_READ_TIMEOUT = 0.5
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", server.url)
    cognito.reset_clients()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_a_sign_up_that_timed_out_then_exists_continues_to_the_code_step(client, slow_cognito):
    form = {"username": "alice", "password": PASSWORD, "email": "alice@example.com"}

    first = client.post("/signup/", form)

    assert first.status_code == 503
    assert first["Retry-After"]
    assert error_codes(first) == ["cognito_timeout"]
    assertContains(first, "Please try again", status_code=503)
    assertContains(first, 'value="alice"', status_code=503)
    assert slow_cognito.calls["SignUp"] == 1  # one attempt per submission: no botocore retry after the timeout

    second = client.post("/signup/", form)

    assertRedirects(second, "/signup/confirm/", fetch_redirect_response=False)
    assert slow_cognito.calls == {"SignUp": 2, "ResendConfirmationCode": 1}
    page = client.get("/signup/confirm/")
    assertContains(page, 'We sent a code by email to <bdi dir="ltr">a***@e***</bdi>')
    assertNotContains(page, "already taken")


def test_exists_without_a_timeout_before_is_still_taken(client, slow_cognito):
    slow_cognito.calls["SignUp"] = 1  # the stand-in now answers "exists" straight away
    form = {"username": "alice", "password": PASSWORD, "email": "alice@example.com"}

    response = client.post("/signup/", form)

    assert error_codes(response, "username") == ["username_exists"]
    assert slow_cognito.calls == {"SignUp": 2}


# --- SIGNUP_UNIFORM_OUTCOME: the same page whether the username was new or existed -------------------------------

EMAIL_USERNAME = "alice@example.com"


def sign_up_by_email(client, stubber, outcome):
    """Sign up as alice@example.com where Cognito answers as for a new, an unconfirmed or a confirmed account."""
    sign_up_params = {
        "ClientId": CLIENT_ID,
        "SecretHash": ANY,
        "Username": EMAIL_USERNAME,
        "Password": PASSWORD,
        "UserAttributes": [{"Name": "email", "Value": EMAIL_USERNAME}],
        "UserContextData": {"IpAddress": "127.0.0.1"},
    }
    if outcome == "new":
        stubber.add_response(
            "sign_up", {**SIGN_UP_RESPONSE, "CodeDeliveryDetails": DELIVERY}, expected_params=sign_up_params
        )
    else:
        stubber.add_client_error(
            "sign_up", service_error_code="UsernameExistsException", expected_params=sign_up_params
        )
        if outcome == "unconfirmed":
            expect_resend(stubber, username=EMAIL_USERNAME)
        else:
            stubber.add_client_error(
                "resend_confirmation_code",
                service_error_code="InvalidParameterException",
                service_message="User is already confirmed.",
            )
    return client.post("/signup/", {"username": EMAIL_USERNAME, "password": PASSWORD, "email": EMAIL_USERNAME})


@pytest.fixture
def uniform(settings, clock):
    settings.SIGNUP_UNIFORM_OUTCOME = True
    settings.SIGNUP_RESEND_COOLDOWN = 30
    return settings


def test_with_uniform_outcome_new_and_existing_usernames_get_the_same_code_step(client, stubber, uniform, clock):
    pages = []
    for outcome in ("new", "unconfirmed", "confirmed"):
        clock.advance(30)  # each as if on its own, outside the previous one's resend cooldown
        browser = client.__class__()
        assertRedirects(sign_up_by_email(browser, stubber, outcome), "/signup/confirm/", fetch_redirect_response=False)
        pages.append(strip_csrf(browser.get("/signup/confirm/")))

    assert pages[0] == pages[1] == pages[2]
    assert f'We sent a code by email to <bdi dir="ltr">{EMAIL_USERNAME}</bdi>' in pages[0]


def test_with_uniform_outcome_a_confirmed_account_never_says_so(client, stubber, uniform, clock):
    sign_up_by_email(client, stubber, "confirmed")
    stubber.add_client_error(
        "confirm_sign_up",
        service_error_code="NotAuthorizedException",
        service_message="User cannot be confirmed. Current status is CONFIRMED",
    )

    response = client.post("/signup/confirm/", {"code": "123456"}, follow=True)

    assert page_error_code(response) == "code_mismatch"
    clock.advance(30)
    stubber.add_client_error(
        "resend_confirmation_code",
        service_error_code="InvalidParameterException",
        service_message="User is already confirmed.",
    )
    response = client.post("/signup/confirm/resend/", follow=True)
    assertRedirects(response, "/signup/confirm/")
    assertContains(response, "We sent you a new code.")
    assertRedirects(client.get("/signup/done/"), "/signup/confirm/", fetch_redirect_response=False)


def test_with_uniform_outcome_a_journey_for_an_existing_account_locks_after_five_wrong_codes(
    client, stubber, uniform, clock
):
    sign_up_by_email(client, stubber, "confirmed")
    for _ in range(5):
        stubber.add_client_error(
            "confirm_sign_up",
            service_error_code="NotAuthorizedException",
            service_message="User cannot be confirmed. Current status is CONFIRMED",
        )
        assert page_error_code(client.post("/signup/confirm/", {"code": "123456"}, follow=True)) == "code_mismatch"

    locked = client.post("/signup/confirm/", {"code": "123456"})  # nothing queued: Cognito is not asked again

    assert locked.status_code == 429
    assert page_error_code(locked) == "too_many_failed_attempts"


def test_without_uniform_outcome_an_existing_username_is_told_it_is_taken(client, stubber, settings):
    settings.SIGNUP_UNIFORM_OUTCOME = False
    stubber.add_client_error("sign_up", service_error_code="UsernameExistsException")

    response = client.post("/signup/", {"username": EMAIL_USERNAME, "password": PASSWORD, "email": EMAIL_USERNAME})

    assert error_codes(response, "username") == ["username_exists"]


def test_with_uniform_outcome_every_sign_up_asks_for_the_same_padded_time(client, stubber, uniform, clock, padding):
    from signup import uniform as uniform_outcome

    slept = padding
    for outcome in ("new", "unconfirmed", "confirmed"):
        clock.advance(30)
        slept.clear()
        sign_up_by_email(client.__class__(), stubber, outcome)
        # The clock stands still, so the work took 0 s: the padding is the whole target, on every path alike.
        assert slept == [uniform_outcome.target_seconds()], outcome


def test_with_uniform_outcome_coming_back_inside_the_cooldown_looks_like_any_other_username(
    client, stubber, uniform, clock
):
    assertRedirects(sign_up_by_email(client, stubber, "new"), "/signup/confirm/", fetch_redirect_response=False)
    clock.advance(5)  # well inside the cooldown of the code just sent: nothing is sent, nothing queued
    pages = []
    for username in (EMAIL_USERNAME, "nobody@example.com"):
        if username != EMAIL_USERNAME:  # outside any cooldown: Cognito is asked, and knows no such user
            stubber.add_client_error("resend_confirmation_code", service_error_code="UserNotFoundException")
        browser = client.__class__()
        response = browser.post("/signup/resume/", {"username": username})
        assertRedirects(response, "/signup/confirm/", fetch_redirect_response=False)
        pages.append(strip_csrf(browser.get("/signup/confirm/")))

    assert pages[0] == pages[1]
