"""Webhook targets may not be internal addresses (cloud metadata, loopback, private ranges): refused
with FORBIDDEN_TARGET when an app registers one, and refused again at delivery, on the address the
connection would go to (a name that resolves elsewhere later: DNS rebinding). An operator may allow
an on-premise partner's network; demo and test allow loopback by that same setting."""

import json
import subprocess
import sys

import pytest

from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.models import EventDelivery, Webhook
from meidu.integrations.services.outbox import webhook_event_emit
from meidu.integrations.tasks import webhook_deliveries_dispatch_due
from meidu.runtime.paths import BASE_DIR
from tests.meidu.integrations.webhook_rows import webhook_row_insert
from tests.support.graphql import GraphQLClient

pytestmark = pytest.mark.django_db

WEBHOOK_CREATE = """
mutation($input: WebhookCreateInput!) { webhookCreate(input: $input) {
  webhook { targetUrl } errors { field code message } } }
"""


@pytest.fixture
def production_targets(settings):
    """The production rule: no network allowed beyond public addresses."""
    settings.WEBHOOK_ALLOWED_NETWORKS = []


def _create(app, url, language="zh-hans"):
    client = GraphQLClient(app.raw_token).client
    response = client.post(
        "/graphql/",
        json.dumps(
            {"query": WEBHOOK_CREATE, "variables": {"input": {"targetUrl": url, "asyncEvents": ["CUSTOMER_CREATED"]}}}
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {app.raw_token}",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    return response.json()["data"]["webhookCreate"]


@pytest.mark.parametrize(
    "url, address",
    [
        ("http://169.254.169.254/latest/meta-data/iam", "169.254.169.254"),
        ("http://127.0.0.1:8000/graphql/", "127.0.0.1"),
        ("http://localhost:6379/", "127.0.0.1"),
        ("http://10.0.0.5/hooks", "10.0.0.5"),
        ("https://172.16.3.4/hooks", "172.16.3.4"),
        ("http://192.168.1.1/admin", "192.168.1.1"),
        ("http://100.64.0.1/", "100.64.0.1"),
        ("http://[::1]:5432/", "::1"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1"),
        ("http://[fd00::1]/", "fd00::1"),
        ("http://0.0.0.0:8000/", "0.0.0.0"),
        ("http://2130706433/", "127.0.0.1"),  # 127.0.0.1 written as one number
        ("http://user@169.254.169.254@bank.example/", None),  # userinfo tricks: the host is what counts
    ],
    ids=lambda v: str(v),
)
def test_an_internal_target_is_refused_with_a_clear_code(bank_app, production_targets, url, address):
    data = _create(bank_app, url)
    if address is None:  # bank.example is the host here: not internal (it does not resolve yet)
        assert data["errors"] == []
        return
    [error] = data["errors"]
    assert (error["field"], error["code"]) == ("targetUrl", "FORBIDDEN_TARGET")
    assert error["message"].startswith("网络钩子只能发往公网地址") and address in error["message"]
    assert not Webhook.objects.exists()


def test_the_refusal_speaks_english_when_asked(bank_app, production_targets):
    [error] = _create(bank_app, "http://169.254.169.254/latest/meta-data/", language="en")["errors"]
    assert (
        error["message"]
        == "Webhooks may only go to public addresses: 169.254.169.254 is an internal address (169.254.169.254)"
    )


def test_a_bad_port_is_a_format_error_in_chinese(bank_app):
    [error] = _create(bank_app, "http://bank.example:99999/")["errors"]
    assert (error["code"], error["message"]) == ("INVALID_URL_FORMAT", "目标地址必须是 http(s) 网址")


def test_an_on_premise_partners_network_may_be_allowed(bank_app, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert _create(bank_app, "http://10.20.1.5/hooks")["errors"] == []
    assert [e["code"] for e in _create(bank_app, "http://10.21.0.1/hooks")["errors"]] == ["FORBIDDEN_TARGET"]
    assert [e["code"] for e in _create(bank_app, "http://127.0.0.1/hooks")["errors"]] == ["FORBIDDEN_TARGET"]
    assert list(Webhook.objects.values_list("target_url", flat=True)) == ["http://10.20.1.5/hooks"]


def test_test_mode_allows_loopback_by_setting(bank_app, settings):
    assert "127.0.0.0/8" in settings.WEBHOOK_ALLOWED_NETWORKS
    assert _create(bank_app, "http://127.0.0.1:9/hooks")["errors"] == []


def test_production_allows_no_internal_network_by_default():
    code = "from django.conf import settings; print(settings.WEBHOOK_ALLOWED_NETWORKS)"
    env = {
        "MEIDU_MODE": "production",
        "DJANGO_SETTINGS_MODULE": "meidu.settings.base",
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none",
        "PYTHONPATH": str(BASE_DIR),
    }
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == "[]", out.stderr


def test_a_name_that_now_resolves_inside_is_refused_at_delivery(bank_app, receiver, settings):
    """The webhook row predates the rule, or its name resolved to a public address when it was
    registered: at delivery ``localhost`` resolves to loopback and the connection is refused."""
    port = receiver.url.rsplit(":", 1)[1].split("/")[0]
    webhook_row_insert(app=bank_app, target_url=f"http://localhost:{port}/hooks", events=["customer_created"])
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    webhook_event_emit(WebhookEventType.CUSTOMER_CREATED, {"user": 1})
    assert webhook_deliveries_dispatch_due() == 1
    delivery = EventDelivery.objects.get()
    assert delivery.status == "failed" and delivery.next_attempt_at is None  # not retried
    [attempt] = delivery.attempts.all()
    assert attempt.error.startswith("ForbiddenTarget:") and "127.0.0.1" in attempt.error
    assert receiver.requests == []


def test_the_same_row_is_delivered_where_loopback_is_allowed(bank_app, receiver):
    """The control of the test above: only the address rule stopped that delivery."""
    port = receiver.url.rsplit(":", 1)[1].split("/")[0]
    webhook_row_insert(app=bank_app, target_url=f"http://localhost:{port}/hooks", events=["customer_created"])
    webhook_event_emit(WebhookEventType.CUSTOMER_CREATED, {"user": 1})
    assert webhook_deliveries_dispatch_due() == 1
    assert EventDelivery.objects.get().status == "success" and len(receiver.requests) == 1


def test_a_redirect_to_an_internal_address_is_not_followed(bank_app, operator, receiver):
    """A 3xx fails the delivery at once: the Location is never requested."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(307)
            self.send_header("Location", receiver.url)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        webhook_row_insert(
            app=bank_app, target_url=f"http://127.0.0.1:{server.server_address[1]}/", events=["customer_created"]
        )
        webhook_event_emit(WebhookEventType.CUSTOMER_CREATED, {"user": 1})
        webhook_deliveries_dispatch_due()
    finally:
        server.shutdown()
        server.server_close()
    delivery = EventDelivery.objects.get()
    assert delivery.status == "failed", list(delivery.attempts.values("error", "response_status_code"))
    assert list(delivery.attempts.values_list("response_status_code", flat=True)) == [307]
    assert receiver.requests == []
