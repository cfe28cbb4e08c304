"""Login throttling seen by every worker: two real processes share one count (no Redis), and
concurrent failures on two connections are all counted."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from meidu.accounts import throttle
from meidu.accounts.models import ThrottleCounter
from meidu.runtime.database import database_url
from meidu.runtime.paths import BASE_DIR
from tests.support.races import race

pytestmark = pytest.mark.django_db(transaction=True)

WORKER = """
import json, sys
import django
django.setup()
from meidu.accounts.services import account_authenticate
from meidu.core.errors import DomainError
codes = []
for _ in range(int(sys.argv[2])):
    try:
        account_authenticate(sys.argv[1], "not-my-password", sys.argv[3])
        codes.append("OK")
    except DomainError as error:
        codes.append(error.code)
print(json.dumps(codes))
"""


def _process_attempts(identifier: str, attempts: int, ip: str = "10.1.2.3") -> list[str]:
    """Wrong passwords from a separate Python process: its own memory, its own cache."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "meidu.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", WORKER, identifier, str(attempts), ip],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_two_worker_processes_allow_five_failures_in_all_not_five_each(buyer):
    first = _process_attempts(buyer.phone, 3)
    second = _process_attempts(buyer.phone, 4)
    assert first == ["invalid_credentials"] * 3
    assert second == ["invalid_credentials"] * 2 + ["login_attempt_delayed"] * 2
    # The right password is refused too while the identifier is locked, in this process as well.
    from meidu.accounts.services import account_authenticate
    from meidu.core.errors import DomainError
    from tests.support.graphql import PASSWORD

    with pytest.raises(DomainError) as refused:
        account_authenticate(buyer.phone, PASSWORD, "10.9.9.9")
    assert refused.value.code == "login_attempt_delayed"


def test_concurrent_failures_on_two_connections_are_all_counted():
    """The upsert is atomic: 2 x 10 failures at once make 20, not fewer."""

    def fail_ten():
        for _ in range(10):
            throttle.login_failed("+8613900000000", None)

    assert [outcome.code for outcome in race(fail_ten, fail_ten, timeout=30)] == ["ok", "ok"]
    [counter] = ThrottleCounter.objects.all()
    assert counter.count == 20


@override_settings(LOGIN_MAX_FAILURES=2, LOGIN_LOCKOUT_SECONDS=60)
def test_the_window_ends_and_a_success_forgets_the_identifier():
    throttle.login_failed("13900001111", "10.0.0.1")
    throttle.login_failed("13900001111", "10.0.0.1")
    assert throttle.login_is_blocked("13900001111", None)
    assert not throttle.login_is_blocked("13900002222", "10.0.0.1")  # 2 < 2 x 4 for the address
    ThrottleCounter.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert not throttle.login_is_blocked("13900001111", None)
    throttle.login_failed("13900001111", None)  # an expired window starts again at 1
    assert ThrottleCounter.objects.get(key__startswith="login-fail:id:").count == 1
    assert ThrottleCounter.objects.filter(expires_at__gt=timezone.now()).count() == 1
    assert throttle.throttle_counters_purge() == 1  # the address's expired counter
    throttle.login_succeeded("13900001111")
    assert ThrottleCounter.objects.count() == 0


REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("MEIDU_TEST_BROKER_URL", "redis://127.0.0.1:6379/15"),
    }
}


def test_with_redis_the_counters_live_in_the_cache_not_the_database():
    from redis import Redis

    try:
        Redis.from_url(REDIS_CACHE["default"]["LOCATION"], socket_connect_timeout=2).ping()
    except Exception:
        pytest.skip("no Redis answers")
    with override_settings(CACHES=REDIS_CACHE, LOGIN_MAX_FAILURES=2):
        from django.core.cache import cache

        cache.delete_many(list(throttle._keys("13900003333", None)[:1]))
        throttle.login_failed("13900003333", None)
        throttle.login_failed("13900003333", None)
        assert throttle.login_is_blocked("13900003333", None)
        assert ThrottleCounter.objects.count() == 0
        throttle.login_succeeded("13900003333")
        assert not throttle.login_is_blocked("13900003333", None)
