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
from redis.exceptions import ResponseError

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
        commands: list[Command] = []
        for key, seconds in keys:
            name = self.make_and_validate_key(key)
            commands += [_create_counter(name, seconds), ("INCRBY", name, 1)]
        return [int(count) for count in self._round_trip(commands)[1::2]]

    def write_many(self, writes: Sequence[tuple[str, Any, Any, str]]) -> list[bool]:
        """Store each (key, value, timeout, mode) in one round trip, mode "" (always), "nx" (only if absent) or "xx"
        (only if present) or "incr" (add the value to a counter created with the timeout); True for each write that
        happened. A timeout of None keeps the cache's default."""
        commands: list[Command] = []
        counters = []  # a counter is two commands (create with its expiry, add): its result is the second's
        for key, value, timeout, mode in writes:
            seconds = self.get_backend_timeout(DEFAULT_TIMEOUT if timeout is None else timeout)
            name = self.make_and_validate_key(key)
            counters.append(mode == "incr")
            if mode == "incr":
                commands += [_create_counter(name, seconds or 1), ("INCRBY", name, int(value))]
            elif seconds == 0:
                commands.append(("DEL", name))  # Django's meaning of a zero timeout: do not keep it
            else:
                condition = ("NX",) if mode == "nx" else ("XX",) if mode == "xx" else ()
                expiry = () if seconds is None else ("EX", seconds)
                commands.append(("SET", name, _serializer.dumps(value), *expiry, *condition))
        results = iter(self._round_trip(commands))
        answers = []
        for counter in counters:
            if counter:
                next(results)  # the create, a no-op when the counter exists
            answers.append(bool(next(results)))
        return answers

    def _round_trip(self, commands: list[Command]) -> list[Any]:
        """The replies to `commands`, sent in one write on a pooled connection, retried as redis-py retries a call.

        Not redis-py's Pipeline: it builds a pipeline object, queues each command through its argument checks and
        wraps the call in its observability hooks, 40 % more CPU than this for a sign-up's four commands
        (docs/benchmarks.md, the thirteenth pass). Replies come back raw (SET: b"OK" or None), which is all the
        callers above read."""
        pool = self._cache.get_client(write=True).connection_pool  # type: ignore[attr-defined]
        connection = pool.get_connection()
        try:
            return connection.retry.call_with_retry(
                lambda: _exchange(connection, commands), lambda _error: connection.disconnect()
            )
        except ResponseError:
            raise  # Redis refused a command: every reply was read, the connection is fine
        except BaseException:
            connection.disconnect()  # replies may be left unread: never hand the socket to the next caller
            raise
        finally:
            pool.release(connection)


Command = tuple[Any, ...]


def _exchange(connection: Any, commands: list[Command]) -> list[Any]:
    connection.send_packed_command(connection.pack_commands(commands))
    replies: list[Any] = []
    for _ in commands:
        try:
            replies.append(connection.read_response())
        except ResponseError as error:  # read every reply before raising, as a pipeline does
            replies.append(error)
    if failed := [reply for reply in replies if isinstance(reply, ResponseError)]:
        raise failed[0]
    return replies


def _create_counter(name: str, seconds: float) -> Command:
    """SET name 0 EX seconds NX: creates the counter with its expiry, a no-op when it exists."""
    return ("SET", name, 0, "EX", max(1, int(seconds)), "NX")
