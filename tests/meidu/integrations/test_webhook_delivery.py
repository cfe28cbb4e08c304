"""Outgoing webhooks: outbox rows in the causing transaction, signed delivery, retries, attempts.

Nothing is sent inside the causing request: after commit the outbox relay (a Celery task on the
broker, or the process's relay thread without one) sends. These tests run the relay's pass,
webhook_deliveries_dispatch_due, themselves; test_slow_target.py runs the real thread."""

import json

import pytest
from django.db import transaction
from django.test import override_settings
from jwt import PyJWK

from meidu.accounts.services import account_register
from meidu.core.jws import read_protected_header, verify_detached
from meidu.integrations.models import EventDelivery, EventDeliveryAttempt, EventPayload
from meidu.integrations.services.delivery import _claim, backoff_seconds, webhook_delivery_attempt
from meidu.integrations.services.webhooks import webhook_active_set
from meidu.integrations.tasks import webhook_deliveries_dispatch_due
from tests.meidu.integrations.webhook_rows import webhook_row_insert

pytestmark = pytest.mark.django_db


def _register(phone="13900001111"):
    return account_register(phone=phone, password="Nanguo-pear-9", first_name="秀兰", last_name="王")


def _public_key_from_jwks(client, kid):
    jwks = client.get("/.well-known/jwks.json").json()
    jwk = next(key for key in jwks["keys"] if key["kid"] == kid)
    return PyJWK(jwk).key


def test_event_is_delivered_signed_and_verifiable_with_the_published_jwks(
    customer_webhook, receiver, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = _register()
    assert receiver.requests == []  # not in the request
    assert webhook_deliveries_dispatch_due() == 1
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    body = request["body"]
    payload = json.loads(body)
    assert payload["event"] == "CUSTOMER_CREATED"
    assert payload["data"]["user"] == {
        "id": user.pk,
        "email": None,
        "phone": "+8613900001111",
        "first_name": "秀兰",
        "last_name": "王",
    }
    assert request["headers"]["Meidu-Event"] == "customer_created"
    signature = request["headers"]["Meidu-Signature"]
    kid = read_protected_header(signature)["kid"]
    public_key = _public_key_from_jwks(client, kid)
    assert verify_detached(signature, body, public_key)
    assert not verify_detached(signature, body.replace("秀兰".encode(), "秀英".encode()), public_key)
    delivery = EventDelivery.objects.get()
    assert delivery.status == "success" and delivery.attempt_count == 1
    assert list(delivery.attempts.values_list("status", "response_status_code")) == [("success", 200)]


def test_rolled_back_act_emits_nothing(customer_webhook, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                _register()
                raise RuntimeError("payment failed")
    assert EventPayload.objects.count() == 0
    assert receiver.requests == []


def test_unsubscribed_or_inactive_webhooks_get_nothing(
    customer_webhook, receiver, operator, django_capture_on_commit_callbacks
):
    webhook_active_set(customer_webhook, False, actor=operator)
    with django_capture_on_commit_callbacks(execute=True):
        _register()
    assert EventDelivery.objects.count() == 0 and receiver.requests == []


@override_settings(WEBHOOK_RETRY_BASE_SECONDS=0)
def test_5xx_is_retried_with_every_attempt_recorded(customer_webhook, receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [500, 503]
    with django_capture_on_commit_callbacks(execute=True):
        _register()
    webhook_deliveries_dispatch_due()
    delivery = EventDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempt_count == 1
    webhook_deliveries_dispatch_due()
    webhook_deliveries_dispatch_due()
    delivery.refresh_from_db()
    assert delivery.status == "success"
    assert list(delivery.attempts.values_list("response_status_code", flat=True)) == [500, 503, 200]
    assert len(receiver.requests) == 3
    # Every attempt carries the same body and a valid signature header.
    assert len({r["body"] for r in receiver.requests}) == 1


@pytest.mark.parametrize("status", [400, 401, 404, 410, 301])
def test_4xx_and_redirects_fail_at_once(customer_webhook, receiver, django_capture_on_commit_callbacks, status):
    receiver.statuses = [status]
    with django_capture_on_commit_callbacks(execute=True):
        _register()
    assert webhook_deliveries_dispatch_due() == 1
    delivery = EventDelivery.objects.get()
    assert delivery.status == "failed" and delivery.next_attempt_at is None
    assert delivery.attempts.count() == 1
    assert webhook_deliveries_dispatch_due() == 0


@override_settings(WEBHOOK_RETRY_BASE_SECONDS=0, WEBHOOK_MAX_ATTEMPTS=3)
def test_network_errors_are_retried_then_given_up(bank_app, operator, django_capture_on_commit_callbacks):
    from meidu.integrations.services.webhooks import webhook_create

    webhook_create(bank_app, target_url="http://127.0.0.1:9/closed", events=["customer_created"], actor=operator)
    with django_capture_on_commit_callbacks(execute=True):
        _register()
    for _ in range(5):
        webhook_deliveries_dispatch_due()
    delivery = EventDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempt_count == 3
    errors = list(EventDeliveryAttempt.objects.values_list("error", flat=True))
    assert len(errors) == 3 and all("ConnectionError" in error for error in errors)


def test_backoff_doubles(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]


def test_a_claimed_delivery_is_not_sent_twice(customer_webhook, receiver):
    _register()  # on_commit callbacks are not run: the delivery stays pending
    delivery = EventDelivery.objects.get()
    assert _claim(delivery.pk) is not None
    assert _claim(delivery.pk) is None  # leased by the first claim
    assert webhook_delivery_attempt(delivery.pk) is None
    assert receiver.requests == []


def test_a_broker_that_refuses_the_message_does_not_fail_the_committed_act(
    customer_webhook, receiver, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    """The broker is outside the process: when it cannot take the message, the act stays committed,
    the delivery stays pending, and the beat's relay sends it later."""
    from kombu.exceptions import OperationalError

    from meidu.integrations.tasks import webhook_delivery_send

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to the broker. Connection refused.")

    with monkeypatch.context() as patched:
        patched.setitem(webhook_delivery_send.app.conf, "task_always_eager", False)  # a broker is configured
        patched.setattr(webhook_delivery_send, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            user = account_register(phone="13800000077", password="Strong-pass-2024")
    assert user.pk is not None and "Connection refused" in caplog.text
    delivery = EventDelivery.objects.get(payload__event_type="customer_created")
    assert delivery.status == "pending" and receiver.requests == []
    assert webhook_deliveries_dispatch_due() == 1  # the relay, broker back
    delivery.refresh_from_db()
    assert delivery.status == "success" and len(receiver.requests) == 1


def test_only_the_start_of_a_huge_answer_is_read(bank_app):
    """A partner answering with megabytes costs one small read: the attempt keeps its first 2000 bytes."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from meidu.integrations.event_types import WebhookEventType
    from meidu.integrations.services.outbox import webhook_event_emit

    class Huge(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            try:
                for _ in range(50 * 1024):
                    self.wfile.write(b"x" * 1024)
            except OSError:
                pass  # the client stopped reading and closed: what we want

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Huge)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        webhook_row_insert(
            app=bank_app, target_url=f"http://127.0.0.1:{server.server_address[1]}/", events=["customer_created"]
        )
        webhook_event_emit(WebhookEventType.CUSTOMER_CREATED, {"user": 1})
        assert webhook_deliveries_dispatch_due() == 1
    finally:
        server.shutdown()
        server.server_close()
    delivery = EventDelivery.objects.get()
    assert delivery.status == "success"
    assert delivery.attempts.get().response_body == "x" * 2000
