"""The circuit breaker in front of the public Cognito calls: after repeated failures it fails fast
with a 503 and Retry-After, without calling Cognito; business errors never open it."""

from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from signup import cognito, errors
from signup.breaker import CircuitBreaker
from tests.helpers import PASSWORD, expect_sign_up, form_data

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(settings, cognito_settings):
    # Changing COGNITO_* settings replaces the clients, so this runs before the Stubber wraps the new one.
    settings.COGNITO_BREAKER_FAILURES = 3
    settings.COGNITO_BREAKER_RESET_SECONDS = 30
    settings.SIGNUP_RATE_LIMIT = "off"
    clock = Clock()
    cognito.public_circuit().clock = clock
    return clock


@pytest.fixture
def stubber(clock, stubber):
    return stubber


def fail(stubber, times, code="InternalErrorException"):
    for _ in range(times):
        stubber.add_client_error("sign_up", service_error_code=code, http_status_code=500)


def test_d3_after_repeated_failures_the_next_sign_up_fails_fast_without_calling_cognito(client, stubber, clock):
    fail(stubber, 3)
    for _ in range(3):
        assert client.post("/signup/", form_data()).status_code == 503

    response = client.post("/signup/", form_data())  # the Stubber has nothing queued: a call would fail the test

    assert response.status_code == 503
    assert response.context["error_code"] == "cognito_circuit_open"
    assert 1 <= int(response["Retry-After"]) <= 30
    assertContains(response, "Sign-up is unavailable right now", status_code=503)
    assertContains(response, 'value="alice@example.com"', status_code=503)
    assertNotContains(response, PASSWORD, status_code=503)


def test_d3_after_the_reset_time_a_call_goes_through_and_a_success_closes_the_circuit(client, stubber, clock):
    fail(stubber, 3)
    for _ in range(3):
        client.post("/signup/", form_data())
    clock.now += 31

    expect_sign_up(stubber)
    assert client.post("/signup/", form_data()).status_code == 302
    fail(stubber, 1)
    assert client.post("/signup/", form_data()).context["error_code"] == "cognito_internal_error"  # closed again


def test_d3_a_failed_trial_call_opens_the_circuit_again(client, stubber, clock):
    fail(stubber, 4)
    for _ in range(3):
        client.post("/signup/", form_data())
    clock.now += 31
    assert client.post("/signup/", form_data()).context["error_code"] == "cognito_internal_error"
    assert client.post("/signup/", form_data()).context["error_code"] == "cognito_circuit_open"


@pytest.mark.parametrize(
    "code",
    ["UsernameExistsException", "InvalidPasswordException", "TooManyRequestsException", "InvalidParameterException"],
)
def test_d3_business_errors_and_throttling_never_open_the_circuit(client, stubber, clock, code):
    for _ in range(4):
        stubber.add_client_error("sign_up", service_error_code=code)
    for _ in range(4):
        assert client.post("/signup/", form_data()).context["error_code"] != "cognito_circuit_open"


def test_d3_a_success_in_between_resets_the_count(client, stubber, clock):
    fail(stubber, 2)
    expect_sign_up(stubber)
    fail(stubber, 2)
    for _ in range(5):
        client.post("/signup/", form_data())
    expect_sign_up(stubber)
    assert client.post("/signup/", form_data()).status_code == 302


def test_d3_zero_failures_switches_the_breaker_off(caplog):
    breaker = CircuitBreaker(failures=0, reset_after=30)
    for _ in range(10):
        breaker.record(errors.CognitoUnreachable())

    assert breaker.enabled is False
    assert breaker.before_call() is None  # an open circuit would raise errors.CognitoCircuitOpen here
    assert "cognito.circuit state=open" not in caplog.text
