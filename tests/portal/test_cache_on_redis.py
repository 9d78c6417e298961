"""portal.cache.RedisCache's own pipelines against a real Redis server (TEST_CACHE_URL; scripts/test starts one):
what each write mode leaves in Redis, with the expiry it was given."""

from __future__ import annotations

import os
import uuid

import pytest
from redis.exceptions import ResponseError

from portal.cache import RedisCache

CACHE_URL = os.environ.get("TEST_CACHE_URL", "")

pytestmark = pytest.mark.skipif(not CACHE_URL, reason="needs a Redis server: TEST_CACHE_URL=redis://...")


@pytest.fixture
def cache():
    prefix = f"test-{uuid.uuid4().hex}"
    backend = RedisCache(CACHE_URL, {"KEY_PREFIX": prefix, "TIMEOUT": 300})
    yield backend
    client = backend._cache.get_client(write=True)
    for name in client.scan_iter(f"{prefix}:*"):
        client.delete(name)


def ttl(cache, key):
    return cache._cache.get_client(write=True).ttl(cache.make_and_validate_key(key))


def test_a_plain_write_stores_the_value_with_its_timeout_or_the_default(cache):
    assert cache.write_many([("a", {"n": 1}, 60, ""), ("b", "text", None, "")]) == [True, True]

    assert cache.get("a") == {"n": 1}
    assert cache.get("b") == "text"
    assert 0 < ttl(cache, "a") <= 60
    assert 60 < ttl(cache, "b") <= 300  # the cache's TIMEOUT


def test_only_if_absent_and_only_if_present_write_when_they_should(cache):
    cache.set("present", "old", 60)

    done = cache.write_many(
        [("present", "nx", 60, "nx"), ("absent", "nx", 60, "nx"), ("present", "xx", 60, "xx"), ("gone", "xx", 60, "xx")]
    )

    assert done == [False, True, True, False]
    assert [cache.get("present"), cache.get("absent"), cache.get("gone")] == ["xx", "nx", None]


def test_a_counter_is_created_with_its_expiry_and_added_to(cache):
    cache.write_many([("counter", 2, 90, "incr")])
    cache.write_many([("counter", 3, 90, "incr")])

    assert int(cache._cache.get_client(write=True).get(cache.make_and_validate_key("counter"))) == 5
    assert 0 < ttl(cache, "counter") <= 90


def test_a_zero_timeout_deletes_as_django_does(cache):
    cache.set("doomed", "value", 60)

    cache.write_many([("doomed", "new", 0, "")])

    assert cache.get("doomed") is None


def test_counters_with_expiry_count_up_in_one_call(cache):
    assert cache.incr_many_with_expiry([("x", 30), ("y", 30)]) == [1, 1]
    assert cache.incr_many_with_expiry([("x", 30)]) == [2]
    assert 0 < ttl(cache, "x") <= 30


def test_a_command_redis_refuses_raises_its_error_after_every_reply_was_read(cache):
    cache.set("not-a-number", "text", 60)

    with pytest.raises(ResponseError):
        cache.write_many([("first", "kept", 60, ""), ("not-a-number", 1, 60, "incr"), ("last", "kept", 60, "")])

    assert [cache.get("first"), cache.get("last")] == ["kept", "kept"]  # the commands around it were carried out
    assert cache.write_many([("after", "fine", 60, "")]) == [True]  # and the connection is still in step


def test_a_connection_that_fails_mid_call_is_dropped_and_the_next_call_reconnects(cache, monkeypatch):
    pool = cache._cache.get_client(write=True).connection_pool
    cache.write_many([("warm", 1, 60, "")])
    (connection,) = pool._available_connections
    real_read = connection.read_response

    def read_response(*args, **kwargs):
        monkeypatch.setattr(connection, "read_response", real_read)  # only the first read fails
        raise KeyboardInterrupt  # not retried: the call ends with replies unread

    monkeypatch.setattr(connection, "read_response", read_response)
    with pytest.raises(KeyboardInterrupt):
        cache.write_many([("a", 1, 60, ""), ("b", 2, 60, "")])

    assert connection._sock is None  # dropped, so nobody reads the stale replies
    assert cache.write_many([("c", 3, 60, "")]) == [True]
    assert cache.get("c") == 3


def test_a_key_memcached_would_refuse_is_stored_without_a_warning(cache, recwarn):
    key = "rate limit " + "x" * 300  # spaces and over 250 characters: Django's memcached warnings

    cache.set(key, "kept")

    assert cache.get(key) == "kept"
    assert not [warning for warning in recwarn if "memcached" in str(warning.message)]
