"""meidu.core.cache.RedisCache: Django's Redis cache with one redis client per connection pool."""

import os
import threading

import pytest
from django.core.cache import caches
from django.test import override_settings

from meidu.accounts import throttle
from meidu.accounts.models import ThrottleCounter

LOCATION = os.environ.get("MEIDU_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
MEIDU_REDIS = {
    "default": {"BACKEND": "meidu.core.cache.RedisCache", "LOCATION": LOCATION, "KEY_PREFIX": "meidu-cache-test"}
}


@pytest.fixture
def redis_cache():
    from redis import Redis

    try:
        Redis.from_url(LOCATION, socket_connect_timeout=2).ping()
    except Exception:
        pytest.skip("no Redis answers")
    with override_settings(CACHES=MEIDU_REDIS):
        cache = caches["default"]
        cache.delete_many(["k", "n", "obj", "limit"])
        yield cache
        cache.delete_many(["k", "n", "obj", "limit"])


def test_one_client_serves_every_call_and_the_cache_behaves_as_djangos(redis_cache):
    client = redis_cache._cache.get_client("k")
    assert redis_cache._cache.get_client("other", write=True) is client  # one server: one pool, one client
    assert redis_cache.get("k") is None and redis_cache.add("k", "v", timeout=30) and not redis_cache.add("k", "w")
    assert redis_cache.get("k") == "v"
    redis_cache.set("obj", {"a": [1, 2]}, timeout=30)
    assert redis_cache.get("obj") == {"a": [1, 2]}
    redis_cache.set("n", 1, timeout=30)
    assert redis_cache.incr("n") == 2 and redis_cache.get("n") == 2
    assert 0 < client.ttl(redis_cache.make_key("n")) <= 30
    redis_cache.delete("k")
    assert redis_cache.get("k") is None


def test_the_shared_client_counts_right_from_many_threads(redis_cache):
    def hit():
        for _ in range(50):
            caches["default"].incr("n")

    redis_cache.set("n", 0, timeout=60)
    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert redis_cache.get("n") == 400


@pytest.mark.django_db
def test_throttle_counters_live_in_this_cache(redis_cache):
    assert throttle.counters_in_cache()
    throttle.forget("limit")
    assert throttle.hit("limit", 60) == 1 and throttle.hit("limit", 60) == 2
    assert throttle.hits("limit") == 2 and ThrottleCounter.objects.count() == 0
    throttle.forget("limit")
    assert throttle.hits("limit") == 0
