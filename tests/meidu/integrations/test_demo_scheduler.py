"""Time-driven work without a broker: the beat schedule run by the scheduler thread, in a test
process and in a real `meidu demo` process (whose public URL follows its port)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import jwt as pyjwt
import pytest
import requests
from django.conf import settings
from django.db import connection

from meidu.accounts.services import account_register
from meidu.integrations.models import EventDelivery
from meidu.runtime.database import database_url
from meidu.runtime.paths import BASE_DIR
from meidu.runtime.scheduler import JobRunner, beat_jobs
from tests.support.graphql import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _pending_delivery(receiver):
    """A customer_created delivery left due in the outbox: the request never sends it itself (the
    test settings turn the relay thread off), so only the periodic relay job can deliver it."""
    account_register(phone="13700005678", password="Nanguo-pear-9")
    delivery = EventDelivery.objects.filter(event_type="customer_created").latest("pk")
    assert (delivery.status, delivery.attempt_count) == ("pending", 0)
    return delivery


def _wait_for(delivery, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        delivery.refresh_from_db()
        if delivery.status != "pending":
            return delivery
        time.sleep(0.3)
    return delivery


def test_the_scheduler_thread_runs_the_beat_relay(customer_webhook, receiver):
    delivery = _pending_delivery(receiver)
    runner = JobRunner(beat_jobs()).start()
    try:
        delivery = _wait_for(delivery, 60)
    finally:
        assert runner.stop(timeout=30)
    assert delivery.status == "success"
    assert list(delivery.attempts.values_list("response_status_code", flat=True)) == [200]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_meidu_demo_runs_the_periodic_jobs_and_its_public_url_follows_its_port(customer_webhook, receiver, make_user):
    user = make_user()
    delivery = _pending_delivery(receiver)
    port = _free_port()
    drop = {"MEIDU_MODE", "DJANGO_SETTINGS_MODULE", "PUBLIC_URL", "CELERY_BROKER_URL"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["DATABASE_URL"] = database_url(connection.settings_dict)
    process = subprocess.Popen(
        [sys.executable, "-m", "meidu.cli", "demo", "--no-seed", "--port", str(port)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        delivery = _wait_for(delivery, 120)
        assert process.poll() is None, process.stdout.read()
        assert delivery.status == "success", delivery.status
        headers = receiver.requests[-1]["headers"]
        assert headers["Meidu-Api-Url"] == f"http://127.0.0.1:{port}/graphql/"
        token = _token_from_demo(port, user.phone)
        assert pyjwt.decode(token, options={"verify_signature": False})["iss"] == f"http://127.0.0.1:{port}/graphql/"
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C
        try:
            output, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    assert process.returncode in (0, 130), output  # runserver exits 0 on Ctrl-C
    assert "Traceback" not in output, output
    assert f"http://127.0.0.1:{port}/graphql/" in output
    for name in settings.CELERY_BEAT_SCHEDULE:
        assert name in output


def _token_from_demo(port, phone):
    query = (
        "mutation($email: String!, $password: String!) { tokenCreate(email: $email, password: $password) { token } }"
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            response = requests.post(
                f"http://127.0.0.1:{port}/graphql/",
                timeout=10,
                data=json.dumps({"query": query, "variables": {"email": phone, "password": PASSWORD}}),
                headers={"Content-Type": "application/json"},
            )
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    return response.json()["data"]["tokenCreate"]["token"]
