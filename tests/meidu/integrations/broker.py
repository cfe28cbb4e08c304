"""A real Celery broker for the tests that need one (MEIDU_TEST_BROKER_URL, default
redis://127.0.0.1:6379/15): skipped when none answers, unless MEIDU_REQUIRE_BROKER=1 (set by
.ci/run), then failed. Shared by the worker tests and the fault tests."""

import os
import uuid

import pytest
from kombu import Connection
from kombu import pools as kombu_pools

from meidu.celery import app as celery_app

BROKER_URL = os.environ.get("MEIDU_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


def _broker_available() -> bool:
    try:
        with Connection(BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:
        return False


def _reset_connections():
    """Drop pooled broker connections so the next send uses the current broker_url.

    kombu keeps one connection pool per URL in a global registry (the app's pool is that entry):
    closing a pool in place would leave it there, closed, and every later send to that URL (an
    eager one too: it borrows a producer) fails with "Acquire on closed pool". So the registry
    is reset, and the app forgets its handles."""
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker():
    if not _broker_available():
        if os.environ.get("MEIDU_REQUIRE_BROKER") == "1":
            pytest.fail(f"No broker answers at {BROKER_URL}")
        pytest.skip(f"No broker answers at {BROKER_URL}")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue")}
    celery_app.conf.update(broker_url=BROKER_URL, task_always_eager=False, task_default_queue=queue)
    _reset_connections()
    yield queue
    celery_app.conf.update(saved)
    _reset_connections()
