"""A whole sign-up with every logger at DEBUG: the password and the secret hash appear in no log record
(botocore logs request parameters at DEBUG, so its loggers must stay at WARNING)."""

from __future__ import annotations

import logging
import uuid

import pytest

from signup import cognito

pytestmark = pytest.mark.django_db

PASSWORD = "Unmistakable-Passw0rd-7f3a"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())
        self.lines.append(repr(record.args))


@pytest.fixture
def every_record():
    handler = _Collect()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)  # every logger that does not set its own level now passes DEBUG records
    yield handler
    root.removeHandler(handler)
    root.setLevel(previous)


def test_botocore_and_boto3_loggers_stay_at_warning_or_above():
    for name in ("botocore", "boto3", "urllib3"):
        assert logging.getLogger(name).getEffectiveLevel() >= logging.WARNING


def test_a_whole_sign_up_logs_neither_the_password_nor_the_secret_hash(client, local_cognito, local_pool, every_record):
    username = f"logcheck-{uuid.uuid4().hex[:8]}"
    email = f"{username}@example.com"

    response = client.post("/signup/", {"username": username, "password": PASSWORD, "email": email})
    assert response.status_code == 302
    code = local_cognito.latest_code(local_pool.user_pool_id, username)
    assert client.post("/signup/confirm/", {"code": code}).status_code == 302

    secret_hash = cognito.secret_hash(username, local_pool.client_id, local_pool.client_secret)
    everything = "\n".join(every_record.lines)
    assert every_record.lines, "nothing was logged: the test would prove nothing"
    assert PASSWORD not in everything
    assert secret_hash not in everything
    assert local_pool.client_secret not in everything
    assert code not in everything
