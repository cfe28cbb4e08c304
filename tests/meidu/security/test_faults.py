"""Faults as tests (issue 13), each followed by the invariant queries:

* a Celery worker killed with SIGKILL in the middle of a webhook delivery: the webhook is still
  delivered at least once, by the outbox relay (beat's webhook_deliveries_dispatch_due) and a
  fresh worker, and every attempt the server finished is recorded (needs a broker,
  MEIDU_TEST_BROKER_URL, like tests/meidu/integrations/test_worker_broker.py, whose broker
  fixture and database URL this suite shares);
* a Celery worker killed in the middle of an order's settlement task: the order's money is
  posted once, balanced, by beat's settlement_release and a fresh worker;
* the database connection of a ``checkoutComplete`` terminated while it waits for the stock
  rows, its orders already inserted: nothing of it stays, stock equals its journal, every
  ledger transaction sums to zero, and the retry places the orders with settlement matching
  the money taken.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection, connections, transaction
from graphql_relay import to_global_id
from kombu import pools

from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.models import Checkout
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.inventory.models import Stock
from marketplace.inventory.selectors import stock_from_journal
from marketplace.orders.models import Order
from marketplace.payments.services import transaction_initialize
from meidu.accounts.roles import Role
from meidu.accounts.services import account_register
from meidu.core.permissions import AccountPermissions
from meidu.integrations.models import EventDelivery, EventDeliveryStatus
from meidu.integrations.services.apps import app_create
from meidu.integrations.services.webhooks import webhook_create
from meidu.integrations.tasks import webhook_deliveries_dispatch_due
from meidu.runtime.database import database_url
from meidu.runtime.paths import BASE_DIR
from tests.marketplace.checkout.factories import county_and_zones, farmer_with_pears
from tests.marketplace.checkout.helpers import ADDRESS, OFFLINE
from tests.marketplace.factories import channels
from tests.marketplace.settlement.helpers import assert_every_transaction_balances, order_postings
from tests.meidu.integrations.broker import BROKER_URL, _reset_connections
from tests.support.graphql import GraphQLClient, token_for

TIMEOUT_SECONDS = 4  # the worker's HTTP timeout; its lease on a delivery is this plus 30 s


@pytest.fixture
def queue(broker):
    """The shared broker fixture's queue, with kombu's process-wide pools emptied: an earlier broker
    test closed them, and kombu would hand the closed pool back for the same broker URL."""
    pools.reset()
    _reset_connections()
    yield broker
    pools.reset()
    _reset_connections()


class HangingReceiver:
    """Answers 200, except that the first request hangs until released: the worker is caught
    in the middle of its HTTP call."""

    def __init__(self):
        self.requests: list[dict] = []
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(dict(self.headers))
                if len(receiver.requests) == 1:
                    receiver.first_arrived.set()
                    receiver.release.wait(30)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def start_worker(queue: str, log_path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "meidu.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "WEBHOOK_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
        "WEBHOOK_RETRY_BASE_SECONDS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "meidu", "worker", "--pool", "solo", "--loglevel", "INFO", "-Q", queue],
        cwd=BASE_DIR,
        env=env,
        stdout=open(log_path, "w"),
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_leaves_the_webhook_to_be_delivered(queue, make_user, tmp_path):
    operator = make_user(Role.OPERATOR)
    app, _ = app_create(name="Carrier", permissions=[AccountPermissions.MANAGE_USERS], actor=operator)
    receiver = HangingReceiver()
    first = start_worker(queue, tmp_path / "first.log")
    second = None
    try:
        webhook_create(app, target_url=receiver.url, events=["customer_created"], actor=operator)
        account_register(phone="13700004321", password="Nanguo-pear-9")  # commits; on_commit enqueues
        assert receiver.first_arrived.wait(60), "the first worker never started the delivery"
        os.kill(first.pid, signal.SIGKILL)  # in the middle of the HTTP call
        first.wait(timeout=10)
        delivery = EventDelivery.objects.get(event_type="customer_created")
        assert delivery.status == EventDeliveryStatus.PENDING and delivery.attempts.count() == 0

        second = start_worker(queue, tmp_path / "second.log")
        deadline = time.monotonic() + TIMEOUT_SECONDS + 30 + 60
        while time.monotonic() < deadline:
            webhook_deliveries_dispatch_due()  # what beat runs every 30 s
            delivery.refresh_from_db()
            if delivery.status != EventDeliveryStatus.PENDING:
                break
            time.sleep(1)
        assert delivery.status == EventDeliveryStatus.SUCCESS, delivery.status
        assert second.poll() is None, "the second worker died"
    finally:
        receiver.close()
        stop(first)
        if second is not None:
            stop(second)
    # Delivered at least once, each time as the same delivery; the killed attempt left no row but counts.
    assert len(receiver.requests) >= 2
    assert {headers["Meidu-Delivery"] for headers in receiver.requests} == {str(delivery.pk)}
    assert list(delivery.attempts.values_list("response_status_code", flat=True)) == [200]
    assert delivery.attempt_count == 2


CHECKOUT_COMPLETE = "mutation($id: ID!) { checkoutComplete(id: $id) { order { id } errors { field code } } }"


def lock_waiter(pid=lambda: None, timeout: float = 60) -> int | None:
    """The backend (``pid()``, or any other one of this database) waiting for a row lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # activity is a snapshot per transaction
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                " AND pid <> pg_backend_pid() AND (%s::int IS NULL OR pid = %s::int)",
                [pid(), pid()],
            )
            row = cursor.fetchone()
        if row:
            return row[0]
        time.sleep(0.05)
    return None


def paid_checkout(buyer):
    """A buyer's checkout of 3 pears, delivered in the county, charged by the offline gateway."""
    _, rural = channels()
    county_and_zones()
    owner = account_register(phone="13900001111", password="Nanguo-pear-9")
    shop, variant = farmer_with_pears(owner, rural, quantity=5)
    checkout = checkout_create(channel=rural, user=buyer, lines=[(variant, 3)])
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    checkout_delivery_method_update(checkout, shipping_method=shop.shipping_methods.get(kind="county"))
    transaction_initialize(
        checkout_token=checkout.pk, gateway_id=OFFLINE, action="CHARGE", idempotency_key="fault-1", user=buyer
    )
    return checkout, Stock.objects.get(variant=variant)


def assert_stock_is_its_journal(stock: Stock) -> None:
    stock.refresh_from_db()
    assert (stock.quantity, stock.quantity_allocated) == stock_from_journal(stock)


@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_mid_checkout_complete_leaves_nothing_half_written(buyer):
    checkout, stock = paid_checkout(buyer)
    token = token_for(buyer)
    outcome: dict = {}

    def complete():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            outcome["pid"] = cursor.fetchone()[0]
        try:
            outcome["response"] = GraphQLClient(token).post(
                CHECKOUT_COMPLETE, {"id": to_global_id("Checkout", checkout.pk)}
            )
        except Exception as exc:  # the dropped connection, if the view lets it through
            outcome["raised"] = exc
        finally:
            connections.close_all()

    with transaction.atomic():
        Stock.objects.select_for_update().get(pk=stock.pk)  # checkoutComplete's last lock (step 3) waits here
        worker = threading.Thread(target=complete)
        worker.start()
        assert lock_waiter(lambda: outcome.get("pid")), "checkoutComplete never reached the stock lock"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [outcome["pid"]])
        worker.join(30)
    assert not worker.is_alive()

    # The client got an error, never a half-placed order.
    response = outcome.get("response")
    if response is not None:
        body = response.json()
        assert body.get("errors") and not (body.get("data") or {}).get("checkoutComplete"), body
    assert not Order.objects.filter(checkout_token=checkout.pk).exists()
    assert Checkout.objects.filter(pk=checkout.pk).exists()
    assert_stock_is_its_journal(stock)
    assert stock.quantity_allocated == 0
    assert_every_transaction_balances()

    # The retry places the order; stock, ledger and settlement agree with the money taken.
    [order] = checkout_complete(checkout.pk, user=buyer).orders
    assert_stock_is_its_journal(stock)
    assert stock.quantity_allocated == 3
    assert_every_transaction_balances()
    order.refresh_from_db()
    assert order_postings(order)["gateway"] == -order.total_amount


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_settlement_leaves_the_postings_to_the_hourly_catch_up(queue, buyer, settings, tmp_path):
    """The order's settlement task is killed while it waits for the order row (inside its
    transaction): nothing of it stays; with beat's hourly settlement_release and a fresh worker
    the order's money is posted once (a redelivered task would find nothing left), balanced."""
    from marketplace.settlement.models import SettlementEntry
    from marketplace.settlement.tasks import settlement_release
    from tests.marketplace.settlement.helpers import assert_balances_match_postings, entry_kinds

    checkout, _ = paid_checkout(buyer)
    settings.FOLLOW_UPS_IN_WORKER = True
    [order] = checkout_complete(checkout.pk, user=buyer).orders  # commits: the task waits in the queue
    assert not SettlementEntry.objects.filter(settlement__order=order).exists()
    first = start_worker(queue, tmp_path / "first.log")
    second = None
    try:
        with transaction.atomic():
            Order.objects.select_for_update().get(pk=order.pk)  # the task's first lock waits here
            assert lock_waiter(), "the worker never reached the order's lock"
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        assert not SettlementEntry.objects.filter(settlement__order=order).exists()
        assert_every_transaction_balances()

        second = start_worker(queue, tmp_path / "second.log")
        settlement_release.delay()  # what beat sends every hour
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not SettlementEntry.objects.filter(settlement__order=order).exists():
            time.sleep(0.5)
        time.sleep(1)  # a late duplicate would show now
    finally:
        stop(first)
        if second is not None:
            stop(second)
    order.refresh_from_db()
    assert entry_kinds(order) == ["payment", "earnings"]
    assert order_postings(order)["gateway"] == -order.total_amount
    assert_balances_match_postings(order.shop_id)
