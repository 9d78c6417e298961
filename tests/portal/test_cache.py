from portal.cache import RedisCache


def test_the_redis_cache_builds_one_client_per_connection_pool_and_reuses_it():
    cache = RedisCache("redis://127.0.0.1:6379/0", {})  # constructing clients does not connect

    client = cache._cache.get_client("some-key")

    assert cache._cache.get_client("other-key") is client
    assert cache._cache.get_client("some-key", write=True) is client  # one server: reads and writes share a pool


def test_separate_caches_do_not_share_clients():
    first = RedisCache("redis://127.0.0.1:6379/0", {})
    second = RedisCache("redis://127.0.0.1:6379/1", {})

    assert first._cache.get_client() is not second._cache.get_client()
