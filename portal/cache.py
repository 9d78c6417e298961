"""Django's Redis cache backend, reusing its redis-py client.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` object for every cache call, and redis-py's
constructor is not cheap (it copies its table of response callbacks): the benchmark measured it at a few percent
of a sign-up's CPU time. A `redis.Redis` is safe to share between threads, so this client builds one per connection
pool and keeps it. Everything else (serialisation, pools, options) is Django's.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
