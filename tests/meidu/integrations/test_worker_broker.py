"""The webhook outbox through a real broker and a real `celery worker` process.

Needs Redis or RabbitMQ (MEIDU_TEST_BROKER_URL, default redis://127.0.0.1:6379/15).
Skipped when none answers, unless MEIDU_REQUIRE_BROKER=1 (set by .ci/run), then it fails.
"""

import json
import os
import subprocess
import sys
import time

import pytest
from django.db import connection
from jwt import PyJWK

from meidu.accounts.services import account_register
from meidu.celery import app as celery_app
from meidu.core.jws import read_protected_header, verify_detached
from meidu.core.keys import key_ring
from meidu.core.permissions import AccountPermissions
from meidu.integrations.models import EventDelivery
from meidu.integrations.services.apps import app_create
from meidu.integrations.services.webhooks import webhook_create
from meidu.runtime.database import database_url
from meidu.runtime.paths import BASE_DIR
from tests.meidu.integrations.broker import BROKER_URL, _reset_connections
from tests.meidu.integrations.receiver import WebhookReceiver


def test_resetting_the_broker_connections_leaves_later_sends_working():
    with celery_app.producer_or_acquire():
        pass  # the current URL has a pool in kombu's registry, as after any eager task
    _reset_connections()
    with celery_app.pool.acquire(block=False) as conn:
        assert conn is not None
    with celery_app.producer_or_acquire() as producer:
        assert producer is not None


@pytest.fixture
def worker(broker, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "meidu.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": broker,
        "WEBHOOK_RETRY_BASE_SECONDS": "1",
    }
    log = open(tmp_path / "worker.log", "w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "meidu", "worker", "--pool", "solo", "--loglevel", "INFO", "-Q", broker],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.seek(0)
    print(log.read()[-4000:])


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_worker_delivers_and_retries_through_the_broker(worker, make_user):
    from meidu.accounts.roles import Role

    operator = make_user(Role.OPERATOR)
    app, _ = app_create(name="Carrier", permissions=[AccountPermissions.MANAGE_USERS], actor=operator)
    with WebhookReceiver(statuses=[503]) as receiver:
        webhook_create(app, target_url=receiver.url, events=["customer_created"], actor=operator)
        account_register(phone="13700001234", password="Nanguo-pear-9")  # commits; on_commit enqueues
        deadline = time.monotonic() + 90
        delivery = None
        while time.monotonic() < deadline:
            delivery = EventDelivery.objects.filter(event_type="customer_created").first()
            if delivery and delivery.status != "pending":
                break
            time.sleep(0.5)
        assert worker.poll() is None, "the worker died"
        assert delivery is not None and delivery.status == "success", delivery and delivery.status
        assert list(delivery.attempts.values_list("response_status_code", flat=True)) == [503, 200]
        body = receiver.requests[-1]["body"]
        signature = receiver.requests[-1]["headers"]["Meidu-Signature"]
    assert json.loads(body)["data"]["user"]["phone"] == "+8613700001234"
    jwk = next(k for k in key_ring().jwks()["keys"] if k["kid"] == read_protected_header(signature)["kid"])
    assert verify_detached(signature, body, PyJWK(jwk).key)
