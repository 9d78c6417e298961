"""A real Redis that stops in the middle of a journey, with the portal configured as production configures it for a
CACHE_URL (portal.cache.RedisCache, sessions in it through portal.cache_sessions): the person mid-journey gets a 503
page with Retry-After, never a silent restart at /signup/; a new visitor still gets the form (the field configuration
comes from the per-process copy or the database); a step that went through but could not be saved says so. Once
Redis is back with the session (it keeps an append-only file here), the journey carries on where it was."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from pytest_django.asserts import assertContains, assertRedirects

from tests.helpers import closed_port, expect_confirm, expect_sign_up, form_data

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

RESTART_ATTEMPTS = 200  # pings, 25 ms apart, before a started server counts as not starting


class RedisServer:
    """A throwaway redis-server on a loopback port; its append-only file keeps the data across a restart."""

    def __init__(self, directory: Path) -> None:
        self.port = closed_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--daemonize", "no"),
                *("--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.directory)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(RESTART_ATTEMPTS):
            if self._answers():
                return
            time.sleep(0.025)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def portal_on_redis(redis_server, settings, stubber):
    """The portal as production runs it with CACHE_URL pointing at `redis_server`."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "portal.cache.RedisCache", "LOCATION": redis_server.url},
    }
    settings.SESSION_ENGINE = "portal.cache_sessions"
    return redis_server


@pytest.fixture
def mid_journey(client, portal_on_redis, stubber, settings):
    """alice has signed up; her journey is in the Redis session."""
    expect_sign_up(stubber)
    assertRedirects(client.post("/signup/", form_data()), "/signup/confirm/", fetch_redirect_response=False)
    assertContains(client.get("/signup/confirm/"), "a***@e***")
    assert cache.get(f"django.contrib.sessions.cache{client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return client


def assert_outage_page(response) -> None:
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "Location" not in response


def test_with_redis_stopped_mid_journey_the_code_page_is_a_503_not_a_restart(mid_journey, portal_on_redis, settings):
    cookie = mid_journey.cookies[settings.SESSION_COOKIE_NAME].value
    portal_on_redis.stop()

    response = mid_journey.get("/signup/confirm/")

    assert_outage_page(response)
    assertContains(response, "Nothing is lost", status_code=503)
    assert mid_journey.cookies[settings.SESSION_COOKIE_NAME].value == cookie  # the journey behind it is kept


def test_with_redis_stopped_a_code_is_not_sent_to_cognito_and_the_answer_is_a_503(mid_journey, portal_on_redis):
    portal_on_redis.stop()

    response = mid_journey.post("/signup/confirm/", {"code": "123456"})  # the Stubber has nothing queued

    assert_outage_page(response)


@pytest.mark.parametrize("warm", [True, False], ids=["fields held by the process", "a process started in the outage"])
def test_with_redis_stopped_a_new_visitor_still_gets_the_form(client, portal_on_redis, warm):
    if warm:
        assert client.get("/signup/").status_code == 200
        client.cookies.clear()
    portal_on_redis.stop()

    response = client.get("/signup/")

    assert response.status_code == 200
    assertContains(response, 'name="username"')


def test_with_redis_stopped_a_sign_up_that_went_through_says_its_progress_was_not_saved(
    client, portal_on_redis, stubber
):
    portal_on_redis.stop()
    expect_sign_up(stubber)  # the rate limits fail open: SignUp still reaches Cognito

    response = client.post("/signup/", form_data())

    assert_outage_page(response)
    assertContains(response, "we could not save your progress", status_code=503)
    assertContains(response, 'href="/signup/resume/"', status_code=503)


def test_once_redis_is_back_with_the_session_the_journey_carries_on(mid_journey, portal_on_redis, stubber):
    portal_on_redis.stop()
    assert mid_journey.get("/signup/confirm/").status_code == 503
    portal_on_redis.start()
    expect_confirm(stubber)

    assertContains(mid_journey.get("/signup/confirm/"), "a***@e***")
    response = mid_journey.post("/signup/confirm/", {"code": "123456"})

    assertRedirects(response, "/signup/done/", fetch_redirect_response=False)
