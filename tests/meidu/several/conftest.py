import os

import pytest

# The Redis these tests share between processes: the broker URL of the test run (its own db number).
REDIS_URL = os.environ.get("MEIDU_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url():
    from redis import Redis

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception:
        if os.environ.get("MEIDU_REQUIRE_BROKER"):
            raise
        pytest.skip("no Redis answers at MEIDU_TEST_BROKER_URL")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
