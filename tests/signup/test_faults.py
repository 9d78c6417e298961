"""A failing Cognito: loopback HTTP servers stand in for Cognito's endpoint and fail in
each way a real network and service can. Every case ends in a friendly page (503, or 429 when throttled) with
Retry-After, with the typed values kept (not the password), and exactly one
SignUp reaching the stand-in per submission (SignUp is not idempotent: no automatic retry).
"""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from signup import cognito
from tests.helpers import PASSWORD, form_data

pytestmark = pytest.mark.django_db

READ_TIMEOUT = 1.0


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    content_type: str = "application/x-amz-json-1.1"
    delay: float = 0.0


@dataclass
class StandIn:
    """A Cognito endpoint that answers every request with `reply` and counts requests per operation."""

    reply: Reply
    calls: list[str] = field(default_factory=list)
    url: str = ""

    def count(self, operation: str) -> int:
        return self.calls.count(operation)


def _handler(stand_in: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            stand_in.calls.append(self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1])
            reply = stand_in.reply
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the portal gave up waiting, as it should

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def stand_in(cognito_settings, monkeypatch, settings) -> Iterator[StandIn]:
    stand_in = StandIn(reply=Reply())
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stand_in))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    stand_in.url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.COGNITO_READ_TIMEOUT = READ_TIMEOUT
    settings.COGNITO_CONNECT_TIMEOUT = 1
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", stand_in.url)
    cognito.reset_clients()
    yield stand_in
    server.shutdown()
    server.server_close()


def aws_error(code: str, message: str = "no") -> bytes:
    return json.dumps({"__type": code, "message": message}).encode()


FAULTS = [
    pytest.param(Reply(delay=READ_TIMEOUT + 2), 503, "cognito_timeout", id="no answer past the read timeout"),
    pytest.param(Reply(status=500, body=b""), 503, "cognito_bad_response", id="HTTP 500 without a body"),
    pytest.param(
        Reply(status=500, body=aws_error("InternalErrorException")), 503, "cognito_internal_error", id="HTTP 500"
    ),
    pytest.param(
        Reply(status=400, body=aws_error("TooManyRequestsException", "Rate exceeded")),
        429,
        "too_many_requests",
        id="throttled",
    ),
    pytest.param(Reply(status=200, body=b'{"UserSub": "abc", '), 503, "cognito_bad_response", id="malformed JSON"),
    pytest.param(Reply(status=200, body=b"[1, 2, 3]"), 503, "cognito_bad_response", id="JSON but not an object"),
    pytest.param(
        Reply(status=502, body=b"<html><body><h1>502 Bad Gateway</h1></body></html>", content_type="text/html"),
        503,
        "cognito_bad_response",
        id="an HTML error page",
    ),
    pytest.param(
        Reply(status=200, body=b"<html>captive portal</html>", content_type="text/html"),
        503,
        "cognito_bad_response",
        id="HTML with status 200",
    ),
]


def assert_friendly(response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response.context["error_code"] == code
    assert int(response["Retry-After"]) > 0
    # How long a request can wait is what the code configures (not a wall-clock margin, which a loaded machine breaks).
    config = cognito.public_client().meta.config
    assert (config.connect_timeout, config.read_timeout) == (
        cognito.settings.COGNITO_CONNECT_TIMEOUT,
        cognito.settings.COGNITO_READ_TIMEOUT,
    )
    assert config.connect_timeout <= 1
    assert config.read_timeout <= 5
    assert config.retries["total_max_attempts"] == 1
    assertContains(response, 'value="alice"', status_code=status)
    assertContains(response, 'value="alice@example.com"', status_code=status)
    assertNotContains(response, PASSWORD, status_code=status)
    for leak in ("Traceback", "botocore", "Bad Gateway", "captive", "Rate exceeded"):
        assertNotContains(response, leak, status_code=status)


@pytest.mark.parametrize(("reply", "status", "code"), FAULTS)
def test_d1_d5_a_failing_cognito_ends_in_a_friendly_page_after_exactly_one_sign_up(
    client, stand_in, reply, status, code
):
    stand_in.reply = reply

    response = client.post("/signup/", form_data())

    assert_friendly(response, status, code)
    assert stand_in.calls == ["SignUp"]


def test_d1_a_refused_connection_ends_in_a_friendly_page_quickly(client, unreachable_cognito):
    response = client.post("/signup/", form_data())
    assert_friendly(response, 503, "cognito_unreachable")


def test_d2_each_submission_sends_one_sign_up_and_the_next_submission_one_more(client, stand_in):
    stand_in.reply = Reply(status=500, body=aws_error("InternalErrorException"))
    for expected in (1, 2, 3):
        client.post("/signup/", form_data())
        assert stand_in.count("SignUp") == expected


def test_d1_the_public_client_has_explicit_timeouts_one_attempt_and_a_pool_for_every_thread(settings):
    config = cognito.public_client().meta.config
    assert config.connect_timeout == settings.COGNITO_CONNECT_TIMEOUT
    assert config.read_timeout == settings.COGNITO_READ_TIMEOUT
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}
    assert config.max_pool_connections >= 8  # GUNICORN_THREADS' default


# ConfirmSignUp has an empty output shape: botocore does not read a 200 reply's body, so a 200 of any kind is a
# success for it. The faults that can happen to it are the non-200 ones and timeouts.
CONFIRM_FAULTS = [fault for fault in FAULTS if fault.values[0].status != 200 or fault.values[0].delay]


@pytest.mark.parametrize(("reply", "status", "code"), CONFIRM_FAULTS)
def test_d1_d5_a_failing_cognito_on_confirm_keeps_the_journey_and_answers_friendly(
    client, stand_in, reply, status, code
):
    stand_in.reply = Reply(
        body=json.dumps(
            {"UserSub": "5c1b6f3e-1111-4222-8333-944445555666", "UserConfirmed": False, "CodeDeliveryDetails": {}}
        ).encode()
    )
    client.post("/signup/", form_data())
    stand_in.reply = reply

    response = client.post("/signup/confirm/", {"code": "123456"})

    assert response.status_code == status
    assert int(response["Retry-After"]) > 0
    assert cognito.public_client().meta.config.read_timeout == READ_TIMEOUT
    assert stand_in.calls == ["SignUp", "ConfirmSignUp"]
    assertContains(client.get("/signup/confirm/"), "Enter your confirmation code")


def test_d3_a_cognito_that_keeps_failing_is_no_longer_called_until_the_circuit_resets(client, stand_in, settings):
    settings.SIGNUP_RATE_LIMIT = "off"
    stand_in.reply = Reply(status=500, body=aws_error("InternalErrorException"))
    for _ in range(settings.COGNITO_BREAKER_FAILURES):
        client.post("/signup/", form_data())

    response = client.post("/signup/", form_data())

    assert_friendly(response, 503, "cognito_circuit_open")
    assert stand_in.count("SignUp") == settings.COGNITO_BREAKER_FAILURES


def test_d5_throttling_is_logged_as_a_warning_with_the_request_id(client, stand_in, caplog):
    stand_in.reply = Reply(status=400, body=aws_error("TooManyRequestsException", "Rate exceeded"))
    (console,) = [handler for handler in logging.getLogger().handlers if handler.name == "console"]
    previous = console.setStream(io.StringIO())
    try:
        response = client.post("/signup/", form_data(), HTTP_X_REQUEST_ID="throttle-check-1")
        output = console.stream.getvalue()
    finally:
        console.setStream(previous)

    assert response.status_code == 429
    # Logged once, at the gateway: the operation, Cognito's code and ours, with the request id.
    (record,) = [r for r in caplog.records if r.name == "signup.cognito" and "operation=sign_up" in r.getMessage()]
    assert record.levelname == "WARNING"
    assert record.getMessage() == (
        "cognito.call operation=sign_up aws_error=TooManyRequestsException outcome=too_many_requests"
    )
    assert "WARNING signup.cognito [throttle-check-1] cognito.call operation=sign_up" in output
