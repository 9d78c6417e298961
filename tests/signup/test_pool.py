"""The pool description a page reads on its way: one refresh at a time per process, the last answer served while it
runs, a remembered failure, and a page client that cannot hold a page for long. Cognito here is a stand-in that
hangs until the test lets it answer, and counts how often it is asked."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from signup import cognito, errors, pool

THREADS = 8
DESCRIPTION = {"Id": "us-east-1_TestPool1", "Policies": {"PasswordPolicy": {"MinimumLength": 10}}}


class HangingCognito:
    """DescribeUserPool that answers only once `answer` is set (or fails with `failure`), counting every call."""

    def __init__(self) -> None:
        self.calls = 0
        self.clients: list[object] = []
        self.answer = threading.Event()
        self.failure: errors.PortalError | None = None
        self._lock = threading.Lock()

    def describe_user_pool(self, *, client: object) -> dict:
        with self._lock:
            self.calls += 1
            self.clients.append(client)
        self.answer.wait(3)
        if self.failure is not None:
            raise self.failure
        return DESCRIPTION


@pytest.fixture
def hanging(cognito_settings, monkeypatch) -> HangingCognito:
    stand_in = HangingCognito()
    monkeypatch.setattr(cognito, "describe_user_pool", stand_in.describe_user_pool)
    return stand_in


def read_from_threads(count: int = THREADS) -> list:
    with ThreadPoolExecutor(count) as executor:
        return list(executor.map(lambda _: pool.user_pool_description(), range(count)))


def test_a_cold_process_asks_once_however_many_pages_want_the_pool_at_once(hanging):
    with ThreadPoolExecutor(THREADS) as executor:
        readers = [executor.submit(pool.user_pool_description) for _ in range(THREADS)]
        hanging.answer.set()
        answers = [reader.result(timeout=10) for reader in readers]

    assert answers == [DESCRIPTION] * THREADS
    assert hanging.calls == 1


def test_a_stale_answer_is_served_at_once_while_one_refresh_hangs(hanging, monkeypatch):
    hanging.answer.set()
    assert pool.user_pool_description() == DESCRIPTION
    hanging.answer.clear()  # from now on Cognito hangs
    monkeypatch.setattr(pool, "POOL_FRESH_SECONDS", 0)  # and the answer this process holds is stale

    # Every reader gets the last answer back while the refresh is still hanging (the stand-in has not answered).
    answers = [answer for _ in range(10) for answer in read_from_threads()]

    assert answers == [DESCRIPTION] * 80
    assert hanging.calls == 2  # the first read and one refresh, not one per page
    hanging.answer.set()
    with pool._user_pool._lock:  # the background refresh has ended: it cannot write into the next test's process
        pass
    pool.pool_cache_clear()


def test_a_failed_read_is_remembered_and_not_repeated_on_every_page(hanging):
    hanging.failure = errors.CognitoTimeout()
    hanging.answer.set()

    answers = [pool.user_pool_description() for _ in range(20)] + read_from_threads()

    assert answers == [None] * (20 + THREADS)
    assert hanging.calls == 1


def test_pages_read_with_the_short_page_client_and_the_admin_with_its_own(hanging):
    hanging.answer.set()
    pool.user_pool_description()
    pool.user_pool_description(fresh=True)

    assert hanging.clients == [cognito.page_client(), cognito.admin_client()]


def test_the_page_client_has_short_timeouts_and_a_single_attempt(cognito_settings):
    config = cognito.page_client().meta.config

    assert config.connect_timeout == cognito_settings.COGNITO_PAGE_CONNECT_TIMEOUT
    assert config.read_timeout == cognito_settings.COGNITO_PAGE_READ_TIMEOUT
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}
    # The README's promise: a page never waits longer than the page timeouts for the pool.
    assert cognito_settings.COGNITO_PAGE_CONNECT_TIMEOUT + cognito_settings.COGNITO_PAGE_READ_TIMEOUT <= 3
