"""The use cases, with Cognito behind botocore's Stubber: what reaches Cognito (or does not), and what the journey in
the session becomes. A Stubber with nothing queued fails on any call, which is how "no Cognito call" is asserted."""

from __future__ import annotations

import pytest
from botocore.stub import ANY
from django.contrib.sessions.backends.cache import SessionStore

from signup import cognito, errors, services
from signup.cognito import CodeDelivery, RequestContext, SignUpRequest
from signup.journey import journey_load
from tests.helpers import CLIENT_ID, CLIENT_SECRET, SIGN_UP_RESPONSE

CONTEXT = RequestContext(ip_address="203.0.113.5")
RESEND_RESPONSE = {
    "CodeDeliveryDetails": {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
}

# A successful SignUp writes its sign-up record.
pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    return SessionStore()


@pytest.fixture
def cooldown(settings):
    settings.SIGNUP_RESEND_COOLDOWN = 30
    return 30


def expect_resend(stubber, username="alice", response=None):
    stubber.add_response(
        "resend_confirmation_code",
        response or RESEND_RESPONSE,
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": cognito.secret_hash(username, CLIENT_ID, CLIENT_SECRET),
            "Username": username,
            "UserContextData": {"IpAddress": "203.0.113.5"},
        },
    )


def register(stubber, session, username="alice", response=None):
    stubber.add_response("sign_up", response or SIGN_UP_RESPONSE, expected_params=sign_up_params(username))
    return services.signup_register(
        session=session, request=SignUpRequest(username=username, password="pw-123456789"), context=CONTEXT
    )


def sign_up_params(username):
    return {
        "ClientId": CLIENT_ID,
        "SecretHash": ANY,
        "Username": username,
        "Password": "pw-123456789",
        "UserContextData": {"IpAddress": "203.0.113.5"},
    }


# --- Cooldown --------------------------------------------------------------------------------------------------


def test_a_resend_right_after_sign_up_is_refused_with_the_seconds_left_and_no_cognito_call(
    stubber, session, clock, cooldown
):
    register(stubber, session)
    clock.advance(12)

    with pytest.raises(errors.ResendCooldown) as raised:
        services.signup_resend(session=session, context=CONTEXT)

    assert raised.value.retry_after == 18
    assert raised.value.status == 429


def test_after_the_cooldown_a_new_code_is_sent_and_the_cooldown_starts_again(stubber, session, clock, cooldown):
    register(stubber, session)
    clock.advance(30)
    expect_resend(stubber, response={"CodeDeliveryDetails": {"Destination": "+*******1234", "DeliveryMedium": "SMS"}})

    journey = services.signup_resend(session=session, context=CONTEXT)

    assert journey.delivery == CodeDelivery(destination="+*******1234", medium="SMS", attribute="")
    assert journey_load(session) == journey
    assert services.signup_resend_wait(journey=journey) == 30
    with pytest.raises(errors.ResendCooldown):
        services.signup_resend(session=session, context=CONTEXT)


def test_the_cooldown_follows_the_username_into_a_fresh_session(stubber, session, clock, cooldown):
    register(stubber, session)
    clock.advance(5)
    fresh = SessionStore()

    # Resume inside the cooldown sends nothing (the Stubber has nothing queued) and leads to the code step of the
    # code sent moments ago; asking for another one there waits for the rest of the cooldown.
    journey = services.signup_resume(session=fresh, username="ALICE", context=CONTEXT)
    assert journey.delivery == CodeDelivery(destination="a***@e***", medium="EMAIL", attribute="email")
    assert services.signup_resend_wait(journey=journey) == 25
    with pytest.raises(errors.ResendCooldown) as raised:
        services.signup_resend(session=fresh, context=CONTEXT)
    assert raised.value.retry_after == 25


def test_a_cooldown_of_zero_never_waits(stubber, session, clock, settings):
    settings.SIGNUP_RESEND_COOLDOWN = 0
    register(stubber, session)
    expect_resend(stubber)
    expect_resend(stubber)

    services.signup_resend(session=session, context=CONTEXT)
    journey = services.signup_resend(session=session, context=CONTEXT)

    stubber.assert_no_pending_responses()  # both codes were sent at once
    assert services.signup_resend_wait(journey=journey) == 0


# --- The username comes from the session, and there must be one ----------------------------------------------------


def test_confirm_sends_the_session_username_with_its_secret_hash(stubber, session):
    register(stubber, session)
    stubber.add_response(
        "confirm_sign_up",
        {},
        expected_params={
            "ClientId": CLIENT_ID,
            "SecretHash": cognito.secret_hash("alice", CLIENT_ID, CLIENT_SECRET),
            "Username": "alice",
            "ConfirmationCode": "123456",
            "ForceAliasCreation": False,
            "UserContextData": {"IpAddress": "203.0.113.5"},
        },
    )

    journey = services.signup_confirm(session=session, code="123456", context=CONTEXT)

    assert journey.confirmed is True
    assert journey_load(session).confirmed is True


@pytest.mark.parametrize(
    "use_case",
    [
        lambda session: services.signup_confirm(session=session, code="123456", context=CONTEXT),
        lambda session: services.signup_resend(session=session, context=CONTEXT),
    ],
    ids=["confirm", "resend"],
)
def test_confirm_and_resend_without_a_sign_up_in_the_session_never_call_cognito(stubber, session, use_case):
    with pytest.raises(errors.NoSignUpInProgress):
        use_case(session)


# --- Confirm outcomes ---------------------------------------------------------------------------------------------


def test_an_already_confirmed_account_counts_as_done(stubber, session):
    register(stubber, session)
    stubber.add_client_error(
        "confirm_sign_up",
        service_error_code="NotAuthorizedException",
        service_message="User cannot be confirmed. Current status is CONFIRMED",
    )

    assert services.signup_confirm(session=session, code="123456", context=CONTEXT).confirmed is True


def test_an_unknown_account_ends_the_journey(stubber, session):
    register(stubber, session)
    stubber.add_client_error("confirm_sign_up", service_error_code="UserNotFoundException")

    with pytest.raises(errors.UserNotFound):
        services.signup_confirm(session=session, code="123456", context=CONTEXT)

    assert journey_load(session) is None


@pytest.mark.parametrize(
    ("aws_code", "exception"),
    [
        ("CodeMismatchException", errors.CodeMismatch),
        ("ExpiredCodeException", errors.CodeExpired),
        ("TooManyFailedAttemptsException", errors.TooManyFailedAttempts),
        ("AliasExistsException", errors.AliasExists),
    ],
)
def test_a_failed_confirmation_keeps_the_journey_so_the_user_can_try_again(stubber, session, aws_code, exception):
    journey = register(stubber, session)
    stubber.add_client_error("confirm_sign_up", service_error_code=aws_code)

    with pytest.raises(exception):
        services.signup_confirm(session=session, code="123456", context=CONTEXT)

    assert journey_load(session) == journey


def test_a_resend_for_an_account_confirmed_meanwhile_counts_as_done(stubber, session, settings):
    settings.SIGNUP_RESEND_COOLDOWN = 0
    register(stubber, session)
    stubber.add_client_error(
        "resend_confirmation_code",
        service_error_code="InvalidParameterException",
        service_message="User is already confirmed.",
    )

    assert services.signup_resend(session=session, context=CONTEXT).confirmed is True


# --- Coming back --------------------------------------------------------------------------------------------------


def test_resume_for_an_unconfirmed_account_sends_a_code_and_lands_on_the_code_step(stubber, session):
    expect_resend(stubber, username="carol")

    journey = services.signup_resume(session=session, username="carol", context=CONTEXT)

    assert journey.username == "carol"
    assert journey.confirmed is False
    assert journey.delivery == CodeDelivery(destination="a***@e***", medium="EMAIL", attribute="email")
    assert journey_load(session) == journey


def test_resume_for_an_unknown_account_says_nothing_is_waiting(stubber, session):
    stubber.add_client_error(
        "resend_confirmation_code",
        service_error_code="UserNotFoundException",
        service_message="Username/client id combination not found.",
    )

    with pytest.raises(errors.NotPending) as raised:
        services.signup_resume(session=session, username="carol", context=CONTEXT)

    assert raised.value.code == "not_pending"
    assert raised.value.detail == ""  # nothing of Cognito's answer travels further
    assert journey_load(session) is None


def test_resume_for_a_confirmed_account_says_it_can_sign_in(stubber, session):
    stubber.add_client_error(
        "resend_confirmation_code",
        service_error_code="InvalidParameterException",
        service_message="User is already confirmed.",
    )

    with pytest.raises(errors.AlreadyConfirmed) as raised:
        services.signup_resume(session=session, username="carol", context=CONTEXT)

    assert "sign in" in str(raised.value.message)
    assert journey_load(session) is None


def test_with_uniform_outcome_resume_answers_every_username_the_same_way(stubber, session, settings):
    settings.SIGNUP_UNIFORM_OUTCOME = True
    stubber.add_client_error(
        "resend_confirmation_code",
        service_error_code="InvalidParameterException",
        service_message="User is already confirmed.",
    )

    journey = services.signup_resume(session=session, username="carol", context=CONTEXT)

    assert (journey.existing_account, journey.delivery, journey.confirmed) == (True, None, False)


# --- The ambiguous outcome ----------------------------------------------------------------------------------------


def test_exists_after_a_timeout_for_the_same_username_is_the_users_own_sign_up(stubber, session, monkeypatch):
    def timed_out(*_, **__):
        raise errors.CognitoTimeout(detail="ReadTimeoutError")

    with monkeypatch.context() as patched:
        patched.setattr("signup.services.cognito.sign_up", timed_out)
        with pytest.raises(errors.CognitoTimeout):
            services.signup_register(
                session=session, request=SignUpRequest(username="alice", password="pw-123456789"), context=CONTEXT
            )
    stubber.add_client_error(
        "sign_up", service_error_code="UsernameExistsException", expected_params=sign_up_params("alice")
    )
    expect_resend(stubber)

    journey = services.signup_register(
        session=session, request=SignUpRequest(username="alice", password="pw-123456789"), context=CONTEXT
    )

    assert journey.username == "alice"
    assert journey.confirmed is False
    assert journey.delivery.destination == "a***@e***"


def test_exists_after_a_timeout_for_another_username_is_still_taken(stubber, session, monkeypatch):
    def timed_out(*_, **__):
        raise errors.CognitoTimeout(detail="ReadTimeoutError")

    with monkeypatch.context() as patched:
        patched.setattr("signup.services.cognito.sign_up", timed_out)
        with pytest.raises(errors.CognitoTimeout):
            services.signup_register(
                session=session, request=SignUpRequest(username="alice", password="pw-123456789"), context=CONTEXT
            )
    stubber.add_client_error(
        "sign_up", service_error_code="UsernameExistsException", expected_params=sign_up_params("bob")
    )

    with pytest.raises(errors.UsernameExists):
        services.signup_register(
            session=session, request=SignUpRequest(username="bob", password="pw-123456789"), context=CONTEXT
        )


# --- Start again --------------------------------------------------------------------------------------------------


def test_restart_forgets_the_journey(stubber, session):
    register(stubber, session)

    services.signup_restart(session=session)

    assert journey_load(session) is None
    with pytest.raises(errors.NoSignUpInProgress):
        services.signup_resend(session=session, context=CONTEXT)


# --- SIGNUP_UNIFORM_OUTCOME ---------------------------------------------------------------------------------------


def test_uniform_outcome_sends_an_existing_account_at_most_one_code_per_cooldown(stubber, clock, cooldown, settings):
    settings.SIGNUP_UNIFORM_OUTCOME = True
    username = "alice@example.com"
    for attempt in range(3):
        stubber.add_client_error(
            "sign_up", service_error_code="UsernameExistsException", expected_params=sign_up_params(username)
        )
        if attempt == 0:
            expect_resend(stubber, username=username)  # only the first; the Stubber fails on any other call

    journeys = [
        services.signup_register(
            session=SessionStore(), request=SignUpRequest(username=username, password="pw-123456789"), context=CONTEXT
        )
        for _ in range(3)
    ]

    assert {journey.delivery for journey in journeys} == {CodeDelivery(username, "EMAIL", "email")}
    assert all(journey.existing_account and not journey.confirmed for journey in journeys)
