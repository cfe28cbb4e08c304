"""With REDIS_URL, what one process counts or invalidates is seen at once by another: two separate
Python processes (two gunicorn workers, or two machines) each with its own Redis client, against
the real Redis of the test run. Login throttles, webhook circuit breakers and the webhook
subscription snapshot are the state that was per process with the in-memory cache."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test import override_settings

from meidu.accounts.models import ThrottleCounter
from meidu.core.permissions import AccountPermissions
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.services.apps import app_create
from meidu.integrations.services.breaker import breaker_open_until, breaker_record
from meidu.integrations.services.webhooks import webhook_active_set, webhook_create
from meidu.integrations.subscriptions import webhook_ids_for_event
from meidu.runtime.database import database_url
from meidu.runtime.paths import BASE_DIR

pytestmark = pytest.mark.django_db(transaction=True)

# Each line sent is run in the process; what it leaves in `out` comes back as one JSON line.
WORKER = """
import json, sys
import django
django.setup()
from django.conf import settings
assert settings.CACHES["default"]["BACKEND"] == "meidu.core.cache.RedisCache", settings.CACHES
namespace = {}
print("ready", flush=True)
for line in sys.stdin:
    namespace.pop("out", None)
    exec(line, namespace)
    print(json.dumps(namespace.get("out"), default=str), flush=True)
"""


class Worker:
    """Another process on the same database and Redis: the production settings' cache (REDIS_URL)."""

    def __init__(self, redis_url: str, **extra_env: str):
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.update(extra_env)
        env.update(
            MEIDU_MODE="test",
            DJANGO_SETTINGS_MODULE="meidu.settings.base",
            REDIS_URL=redis_url,
            DATABASE_URL=database_url(connection.settings_dict),
            PYTHONPATH=str(BASE_DIR),
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def run(self, line: str):
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        assert answer, "the worker process died"
        return json.loads(answer)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def workers(redis_url):
    started = [Worker(redis_url), Worker(redis_url)]
    yield started
    for worker in started:
        worker.close()


@pytest.fixture
def shared_cache(redis_url):
    """This test process on the same Redis, as a third worker."""
    with override_settings(CACHES={"default": {"BACKEND": "meidu.core.cache.RedisCache", "LOCATION": redis_url}}):
        yield


ATTEMPTS = (
    "from meidu.accounts.services import account_authenticate\n"
    "from meidu.core.errors import DomainError\n"
    "out = []\n"
    "for _ in range({n}):\n"
    "    try:\n"
    "        account_authenticate({phone!r}, 'not-my-password', '10.1.2.3'); out.append('OK')\n"
    "    except DomainError as error:\n"
    "        out.append(error.code)\n"
)


def _attempts(worker: Worker, phone: str, n: int) -> list[str]:
    return worker.run("exec(" + repr(ATTEMPTS.format(n=n, phone=phone)) + ")")


def test_login_failures_are_counted_once_across_two_processes(workers, shared_cache, buyer):
    first, second = workers
    assert _attempts(first, buyer.phone, 3) == ["invalid_credentials"] * 3
    assert _attempts(second, buyer.phone, 4) == ["invalid_credentials"] * 2 + ["login_attempt_delayed"] * 2
    assert _attempts(first, buyer.phone, 1) == ["login_attempt_delayed"]
    assert ThrottleCounter.objects.count() == 0  # in Redis, not in the database
    from meidu.accounts import throttle

    assert throttle.login_is_blocked(buyer.phone, None)  # and this process sees the lock too


def test_a_circuit_opened_by_one_process_is_open_in_the_other(workers, shared_cache, settings):
    url = "https://bank.example.cn/hooks"
    first, second = workers
    first.run(
        "from meidu.integrations.services.breaker import breaker_record; "
        f"[breaker_record({url!r}, succeeded=False) for _ in range({settings.WEBHOOK_BREAKER_FAILURES})]"
    )
    assert breaker_open_until(url) is not None
    opened = "from meidu.integrations.services.breaker import breaker_open_until; out = breaker_open_until({url!r})"
    assert second.run(opened.format(url=url)) is not None
    breaker_record(url, succeeded=True)  # a success here closes it for every process
    assert second.run(opened.format(url=url)) is None


def test_a_webhook_switched_off_in_one_process_stops_at_once_in_the_other(workers, shared_cache, operator):
    app, _raw = app_create(name="Bank of Yingkou", permissions=[AccountPermissions.MANAGE_USERS], actor=operator)
    webhook = webhook_create(
        app,
        target_url="https://bank.example.cn/hooks",
        events=[WebhookEventType.CUSTOMER_CREATED.value],
        actor=operator,
    )
    read = (
        "from meidu.integrations.event_types import WebhookEventType; "
        "from meidu.integrations.subscriptions import webhook_ids_for_event; "
        "out = webhook_ids_for_event(WebhookEventType.CUSTOMER_CREATED)"
    )
    first, second = workers
    assert first.run(read) == second.run(read) == [webhook.pk]  # each has read (and kept) the snapshot
    webhook_active_set(webhook, False, actor=operator)
    assert first.run(read) == second.run(read) == []  # not 30 s later: the snapshot was dropped in Redis
    assert webhook_ids_for_event(WebhookEventType.CUSTOMER_CREATED) == []


def test_synonyms_an_operator_adds_reach_every_worker(redis_url, tmp_path):
    """The search data files are read by each process: a change is picked up by every worker on its next
    look (SEARCH_DATA_RELOAD_SECONDS), with no restart; the files are the same on every machine (a
    shared folder, compared by meidu.runtime.fleet at start)."""
    folder = tmp_path / "search"
    folder.mkdir()
    started = [Worker(redis_url, SEARCH_DATA_DIRS=str(folder), SEARCH_DATA_RELOAD_SECONDS="0") for _ in range(2)]
    read = "from meidu.core.search.data import search_data; out = sorted(search_data().synonyms.get('大石桥镁', []))"
    try:
        assert [worker.run(read) for worker in started] == [[], []]
        (folder / "synonyms.txt").write_text("大石桥镁 营口镁\n", encoding="utf-8")
        assert [worker.run(read) for worker in started] == [["大石桥镁", "营口镁"]] * 2
    finally:
        for worker in started:
            worker.close()
