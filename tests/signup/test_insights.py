"""The insight counters: forms shown, valid submissions and failures by code, in hourly buckets of the cache, sent
without a round trip of their own; a cache that does not answer loses counts, never a page."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache

from portal import deferred_writes
from portal.cache import RedisCache
from signup import insights
from tests.helpers import expect_sign_up, form_data

pytestmark = pytest.mark.django_db
NOW = 1_780_000_000.0


def this_hour(event: str) -> int:
    hour = insights.hour_of()
    return insights.hourly_counts([event], first_hour=hour, last_hour=hour)[event].get(hour, 0)


def test_forms_shown_add_up_in_the_process_and_reach_the_cache_in_one_flush(client, monkeypatch):
    sent = []
    monkeypatch.setattr(deferred_writes, "write", lambda writes: sent.append(writes) or [True] * len(writes))
    for _ in range(3):
        client.get("/signup/")

    insights.flush()

    assert len(sent) == 1
    assert [(w[1], w[3]) for w in sent[0]] == [(3, "incr")]


def test_a_form_shown_is_counted_in_the_shared_cache(client):
    client.get("/signup/")
    client.get("/signup/")
    insights.flush()

    assert this_hour(insights.FORM_SHOWN) == 2


def test_the_tally_is_sent_once_the_interval_has_passed(monkeypatch):
    monkeypatch.setattr(insights, "FLUSH_SECONDS", 0.0)

    insights.form_shown()

    assert this_hour(insights.FORM_SHOWN) == 1


def test_a_valid_submission_and_a_failure_are_counted_with_the_requests_writes(client, stubber):
    stubber.add_client_error("sign_up", service_error_code="UsernameExistsException")

    client.post("/signup/", form_data())

    assert this_hour(insights.SUBMITTED) == 1
    assert this_hour(insights.failure_event("username_exists")) == 1
    day = insights.hour_of() // 24
    assert insights.daily_failures(["username_exists"], first_day=day, last_day=day) == {"username_exists": 1}


def test_a_form_with_errors_is_not_a_valid_submission(client):
    client.post("/signup/", form_data(email="nope"))

    assert this_hour(insights.SUBMITTED) == 0


def test_a_successful_sign_up_counts_no_failure(client, stubber):
    expect_sign_up(stubber)

    client.post("/signup/", form_data())

    assert this_hour(insights.SUBMITTED) == 1
    assert insights.hourly_counts(["failed:username_exists"], first_hour=0, last_hour=0) == {
        "failed:username_exists": {}
    }


def test_a_cache_outage_loses_the_tally_logged_once_and_the_page_still_works(client, monkeypatch, caplog):
    def down(*_, **__):
        raise ConnectionError("cache down")

    monkeypatch.setattr(deferred_writes, "write", down)
    with caplog.at_level(logging.WARNING, logger="signup.insights"):
        for _ in range(2):
            assert client.get("/signup/").status_code == 200
            insights.flush()
        monkeypatch.undo()
        insights.form_shown()
        insights.flush()

    assert caplog.messages.count("signup.insights counts_lost reason=cache_unavailable") == 1
    assert this_hour(insights.FORM_SHOWN) == 1


# --- The Redis round trip ------------------------------------------------------------------------------------------


def test_counters_ride_in_the_same_round_trip_as_the_session(monkeypatch):
    redis = RedisCache("redis://127.0.0.1:6379/0", {})
    sent: list[list[tuple]] = []
    monkeypatch.setattr(redis, "_round_trip", lambda commands: sent.append(commands) or [None, 5, b"OK"])

    results = redis.write_many([("count", 2, 60, "incr"), ("session", {"a": 1}, 60, "xx")])

    assert results == [True, True]
    (commands,) = sent  # one round trip
    assert [command[0] for command in commands] == ["SET", "INCRBY", "SET"]
    assert commands[0][2:] == (0, "EX", 60, "NX")  # the counter is created with its expiry
    assert commands[1][2] == 2
    assert commands[2][3:] == ("EX", 60, "XX")


def test_outside_a_request_a_counter_is_written_at_once():
    deferred_writes.incr_soon("some-counter", 60, 3)
    deferred_writes.incr_soon("some-counter", 60)

    assert cache.get("some-counter") == 4


def test_counts_in_other_hours_are_kept_apart():
    insights.count_soon(insights.SUBMITTED, now=NOW)
    insights.count_soon(insights.SUBMITTED, now=NOW + 3600)

    hour = insights.hour_of(NOW)
    counts = insights.hourly_counts([insights.SUBMITTED], first_hour=hour, last_hour=hour + 1)
    assert counts == {insights.SUBMITTED: {hour: 1, hour + 1: 1}}


def test_outside_a_request_a_cache_outage_loses_the_count_not_the_caller(monkeypatch, caplog):
    def down(*_, **__):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", down)

    insights.failure_soon("code_mismatch")

    assert "cache.counter_lost" in caplog.messages
