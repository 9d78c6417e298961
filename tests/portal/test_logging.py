"""Logs: no secrets and no PII in any record, a request id on every line, one JSON object per
line with DJANGO_LOG_FORMAT=json, and the UserSub as the only user identifier."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator

import pytest

from portal.observability import JsonFormatter, RedactFilter, RequestIdFilter, redact
from signup import cognito

pytestmark = pytest.mark.django_db

PASSWORD = "Log-Test-Passphrase-42"


class Written:
    """What a handler has written so far: its writer thread has written every line queued before `getvalue()`."""

    def __init__(self, handler: logging.Handler, stream: io.StringIO) -> None:
        self._handler, self._stream = handler, stream

    def getvalue(self) -> str:
        self._handler.flush()
        return self._stream.getvalue()


@pytest.fixture
def console() -> Iterator[Written]:
    """What the configured console handler writes (plain format, request id and redaction filters)."""
    (handler,) = [h for h in logging.getLogger().handlers if h.name == "console"]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield Written(handler, stream)
    handler.setStream(previous)


def test_f1_botocore_boto3_and_urllib3_log_nothing_below_warning():
    for name in ("botocore", "botocore.endpoint", "botocore.parsers", "boto3", "urllib3", "urllib3.connectionpool"):
        assert logging.getLogger(name).getEffectiveLevel() >= logging.WARNING, name


def test_f1_a_full_sign_up_at_debug_level_logs_no_secret_code_or_email(
    client, local_cognito, local_pool, caplog, console, settings
):
    settings.SIGNUP_RESEND_COOLDOWN = 0
    caplog.set_level(logging.DEBUG)
    logging.getLogger().setLevel(logging.DEBUG)
    username = f"logtest-{uuid.uuid4().hex[:8]}"
    email = f"{username}@example.org"

    client.post("/signup/", {"username": username, "password": PASSWORD, "email": email})
    client.post("/signup/confirm/", {"code": "000000"})
    client.post("/signup/confirm/resend/")
    code = local_cognito.latest_code(local_pool.user_pool_id, username)
    response = client.post("/signup/confirm/", {"code": code})
    assert response.status_code == 302

    secrets = {
        "password": PASSWORD,
        "code": code,
        "secret hash": cognito.secret_hash(username, local_pool.client_id, local_pool.client_secret),
        "client secret": local_pool.client_secret,
        "email": email,
        "session id": client.session.session_key,
    }
    logged = [record.getMessage() + " " + str(record.__dict__) for record in caplog.records]
    logged.append(console.getvalue())
    for what, secret in secrets.items():
        assert not any(secret in text for text in logged), f"the {what} was logged"
    assert any("outcome=success user_sub=" in record.getMessage() for record in caplog.records)


def test_f2_every_line_carries_the_request_id(client, console):
    client.get("/signup/", HTTP_X_REQUEST_ID="trace-abc-123")
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="trace-def-456")  # django.request logs the 404
    lines = console.getvalue().splitlines()
    assert any("[trace-def-456]" in line and "Not Found" in line for line in lines)


def test_f2_outside_a_request_the_request_id_is_a_dash(console):
    logging.getLogger("signup.tests").warning("hello")
    assert "[-] hello" in console.getvalue()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("signup for alice@example.com failed", "signup for [email] failed"),
        ("to=+4915112345678 via sms", "to=[phone] via sms"),
        ("phone +1 (555) 010-9999 ok", "phone [phone] ok"),
        ("line one\r\nFAKE 2026 INFO forged", "line one\\r\\nFAKE 2026 INFO forged"),
        ("user_sub=5c1b6f3e-1111-4222-8333-944445555666 at 2026-11-27", None),
        ("no at sign: alice(at)example.com, a plus without digits: a+b", None),
        ("both on one line: bob@example.org, +4915112345678", "both on one line: [email], [phone]"),
    ],
)
def test_f1_f2_emails_and_phone_numbers_are_masked_and_line_breaks_escaped(text, expected):
    assert redact(text) == (expected or text)


def test_f1_the_redaction_applies_to_arguments_as_well_as_the_message():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "user %s from %s", ("bob@example.com", "+33612345678"), None
    )
    RedactFilter().filter(record)
    assert record.getMessage() == "user [email] from [phone]"


def test_f2_json_lines_have_time_level_logger_message_and_request_id(console):
    record = logging.LogRecord("signup.services", logging.WARNING, __file__, 1, "a\nb %s", ("c@d.example",), None)
    RequestIdFilter().filter(record)
    RedactFilter().filter(record)
    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "signup.services"
    assert entry["message"] == "a\\nb [email]"
    assert entry["request_id"] == "-"
    assert entry["time"].endswith("+00:00")


def test_f2_the_configured_handler_masks_what_reaches_it(console):
    logging.getLogger("signup.tests").warning("mail %s", "eve@example.net")
    assert "eve@example.net" not in console.getvalue()
    assert "mail [email]" in console.getvalue()
