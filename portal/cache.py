"""Django's Redis cache backend, reusing its redis-py client and counting in one round trip.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` object for every cache call, and redis-py's
constructor is not cheap (it copies its table of response callbacks): docs/benchmarks.md measured it at a few percent
of a sign-up's CPU time (the before/after of "reused redis-py client"). A `redis.Redis` is safe to share between
threads, so this client builds one per connection pool and keeps it.

This leans on two members of Django's RedisCacheClient that are not public API, `_get_connection_pool()` and
`_client` (the redis-py class). tests/portal/test_cache.py pins exactly that behaviour of the installed Django, so an
upgrade that changes it fails there, not in production.

`incr_many_with_expiry` and `write_many` are the portal's own additions: the rate-limit counters of one request,
and the writes a request makes once it is done (portal.deferred_writes, the session among them), each as a single
pipelined round trip instead of one or more round trips per key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient, RedisSerializer

_serializer = RedisSerializer()


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # pinned: tests/portal/test_cache.py
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def validate_key(self, key: str) -> None:
        """Nothing to check: Django's check warns about keys memcached would refuse (over 250 characters, spaces,
        control characters), and Redis refuses none. It went through every character of every key, about 1 % of a
        sign-up's CPU on the production stack (docs/benchmarks.md, the twelfth pass)."""

    def incr_many_with_expiry(self, keys: Sequence[tuple[str, int]]) -> list[int]:
        """Increment each (key, seconds to live) by one, creating it with that expiry; one round trip in all."""
        names = [self.make_and_validate_key(key) for key, _ in keys]
        pipeline = self._cache.get_client(write=True).pipeline(transaction=False)  # type: ignore[attr-defined]
        for name, (_, seconds) in zip(names, keys, strict=True):
            _create_counter(pipeline, name, seconds)
            pipeline.execute_command("INCRBY", name, 1)
        results = pipeline.execute()
        return [int(count) for count in results[1::2]]

    def write_many(self, writes: Sequence[tuple[str, Any, Any, str]]) -> list[bool]:
        """Store each (key, value, timeout, mode) in one round trip, mode "" (always), "nx" (only if absent) or "xx"
        (only if present) or "incr" (add the value to a counter created with the timeout); True for each write that
        happened. A timeout of None keeps the cache's default."""
        pipeline = self._cache.get_client(write=True).pipeline(transaction=False)  # type: ignore[attr-defined]
        counters = []  # a counter is two commands (create with its expiry, add): its result is the second's
        for key, value, timeout, mode in writes:
            seconds = self.get_backend_timeout(DEFAULT_TIMEOUT if timeout is None else timeout)
            name = self.make_and_validate_key(key)
            counters.append(mode == "incr")
            if mode == "incr":
                _create_counter(pipeline, name, seconds or 1)
                pipeline.execute_command("INCRBY", name, int(value))
            elif seconds == 0:
                pipeline.execute_command("DEL", name)  # Django's meaning of a zero timeout: do not keep it
            else:
                condition = ("NX",) if mode == "nx" else ("XX",) if mode == "xx" else ()
                expiry = () if seconds is None else ("EX", seconds)
                pipeline.execute_command("SET", name, _serializer.dumps(value), *expiry, *condition)
        results = iter(pipeline.execute())
        answers = []
        for counter in counters:
            if counter:
                next(results)  # the create, a no-op when the counter exists
            answers.append(bool(next(results)))
        return answers


def _create_counter(pipeline: Any, name: str, seconds: float) -> None:
    """SET name 0 EX seconds NX. Commands go in as execute_command: redis-py's set() checks its arguments for
    deprecated ones on every call, five times the cost of queueing the command (docs/benchmarks.md)."""
    pipeline.execute_command("SET", name, 0, "EX", max(1, int(seconds)), "NX")
