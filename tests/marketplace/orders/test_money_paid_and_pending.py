"""A card authorisation captured at fulfilment marks the order paid once (PAID event, ORDER_PAID
webhook), only the captured order of a shared checkout; what the provider is still processing (a
refund or a capture) counts on the order only when the provider reports it done.

The provider is the offline gateway, made to answer "pending" through monkeypatch; its later
report is what a Stripe webhook records (transaction_event_report).
"""

import json
from decimal import Decimal

import pytest

from marketplace.orders.models import OrderEvent, OrderStatus
from marketplace.orders.services.lifecycle import order_fulfill, order_refund
from marketplace.orders.services.money import (
    order_refund_pending_amount,
    order_refund_settle,
    order_refundable_amount,
)
from marketplace.payments.gateways.base import GatewayResult
from marketplace.payments.gateways.offline import OfflineGateway
from marketplace.payments.models import TransactionEventType as T
from marketplace.payments.models import TransactionItem
from marketplace.payments.services import transaction_event_report
from meidu.accounts.roles import Role
from meidu.core.errors import DomainError
from meidu.core.permissions import OrderPermissions
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.models import EventPayload
from meidu.integrations.services.apps import app_create
from meidu.integrations.services.webhooks import webhook_create
from tests.marketplace.checkout.factories import farmer_with_pears
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders


@pytest.fixture
def paid_listener(operator):
    """An ERP subscribed to ORDER_PAID, so each PAID event leaves an outbox payload to count."""
    app, _token = app_create(name="县供销社ERP", permissions=[OrderPermissions.MANAGE_ORDERS], actor=operator)
    return webhook_create(
        app, target_url="https://erp.example.com/meidu", events=[WebhookEventType.ORDER_PAID.value], actor=operator
    )


def paid_webhooks(order) -> int:
    payloads = EventPayload.objects.filter(event_type=WebhookEventType.ORDER_PAID.value)
    return sum(1 for payload in payloads if json.loads(payload.payload)["data"]["order"]["token"] == str(order.token))


def events_of(order) -> list[str]:
    return list(OrderEvent.objects.filter(order=order).values_list("type", flat=True))


def provider_answers(monkeypatch, method: str, type_: str, reference: str):
    def answer(self, item, amount, *, idempotency_key=""):
        return GatewayResult(type_, amount, psp_reference=reference)

    monkeypatch.setattr(OfflineGateway, method, answer)


def item_of(order) -> TransactionItem:
    return TransactionItem.objects.get(checkout_token=order.checkout_token)


# --- captures ------------------------------------------------------------------------------------------------


def test_capture_at_fulfilment_marks_the_order_paid_once(buyer, rural, cooker, paid_listener):
    [order] = placed_orders(
        buyer, rural, [(cooker["variant"], 2)], gateway=OFFLINE, action="AUTHORIZATION", pickup=cooker["store"]
    )
    assert (order.charged_amount, order.authorized_amount) == (0, order.total_amount)
    line = order.lines.get()
    order_fulfill(order, actor=cooker["owner"], lines=[(line, 1, None)])
    order.refresh_from_db()
    assert (order.status, order.charged_amount, order.authorized_amount) == (
        OrderStatus.PARTIALLY_FULFILLED,
        order.total_amount,
        0,
    )
    item = item_of(order)
    assert (item.charged_amount, item.authorized_amount) == (order.total_amount, 0)
    paid = OrderEvent.objects.get(order=order, type="paid")
    assert (paid.data["amount"], paid.user) == (str(order.total_amount), cooker["owner"])
    order_fulfill(order, actor=cooker["owner"], lines=[(line, 1, None)])
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED
    assert events_of(order).count("paid") == 1 and paid_webhooks(order) == 1
    assert item_of(order).charged_amount == order.charged_amount == order.total_amount


def test_capture_pays_only_the_fulfilled_order_of_a_shared_checkout(buyer, rural, pears, make_user, paid_listener):
    other_owner = make_user(Role.BUYER)
    other_shop, other_pears = farmer_with_pears(other_owner, rural)
    first, second = sorted(
        placed_orders(buyer, rural, [(pears["variant"], 2), (other_pears, 4)], gateway=OFFLINE, action="AUTHORIZATION"),
        key=lambda order: order.number,
    )
    item = item_of(first)
    assert item.authorized_amount == first.total_amount + second.total_amount
    owner = pears["owner"] if second.shop_id == pears["shop"].pk else other_owner
    order_fulfill(second, actor=owner, lines=[(second.lines.get(), second.lines.get().quantity, "1.0")])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.charged_amount, second.authorized_amount) == (second.total_amount, 0)
    assert (first.charged_amount, first.authorized_amount) == (0, first.total_amount)
    item.refresh_from_db()
    assert (item.charged_amount, item.authorized_amount) == (second.total_amount, first.total_amount)
    assert (events_of(first).count("paid"), paid_webhooks(first)) == (0, 0)
    assert (events_of(second).count("paid"), paid_webhooks(second)) == (1, 1)
    owner = pears["owner"] if first.shop_id == pears["shop"].pk else other_owner
    order_fulfill(first, actor=owner, lines=[(first.lines.get(), first.lines.get().quantity, "1.0")])
    first.refresh_from_db()
    item.refresh_from_db()
    assert (first.charged_amount, first.authorized_amount) == (first.total_amount, 0)
    assert item.charged_amount == first.total_amount + second.total_amount
    assert [events_of(order).count("paid") for order in (first, second)] == [1, 1]
    assert [paid_webhooks(order) for order in (first, second)] == [1, 1]


def test_pending_capture_counts_when_the_provider_reports_it(buyer, rural, pears, monkeypatch, paid_listener):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 4)], gateway=OFFLINE, action="AUTHORIZATION")
    provider_answers(monkeypatch, "charge", T.CHARGE_REQUEST, "offline-capture-1")
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 4, "3.6")])
    order.refresh_from_db()
    total = order.total_amount
    assert total == Decimal("45.00") + order.shipping_amount
    # Fulfilled, but not charged until the provider says so; the lighter weight's 5.00 is released.
    assert (order.status, order.charged_amount, order.authorized_amount) == (OrderStatus.FULFILLED, 0, total)
    item = item_of(order)
    assert (item.charged_amount, item.charge_pending_amount, item.authorized_amount, item.canceled_amount) == (
        0,
        total,
        total,
        Decimal("5.00"),
    )
    assert "paid" not in events_of(order) and paid_webhooks(order) == 0
    assert order.events.get(type="note", data__has_key="charge_pending").data["charge_pending"] == str(total)
    transaction_event_report(item, T.CHARGE_SUCCESS, total, psp_reference="offline-capture-1")
    order.refresh_from_db()
    item.refresh_from_db()
    assert (order.charged_amount, order.authorized_amount) == (total, 0)
    assert (item.charged_amount, item.charge_pending_amount, item.authorized_amount) == (total, 0, 0)
    assert events_of(order).count("paid") == 1 and paid_webhooks(order) == 1


# --- refunds the provider finishes later ----------------------------------------------------------------------


def test_pending_refund_counts_only_when_the_provider_confirms_it(buyer, rural, pears, monkeypatch):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE")
    charged = order.charged_amount
    provider_answers(monkeypatch, "refund", T.REFUND_REQUEST, "offline-refund-7")
    order_refund(order, "10.00", actor=pears["owner"], reason="坏果")
    order.refresh_from_db()
    item = item_of(order)
    assert order.refunded_amount == 0
    assert (item.refunded_amount, item.refund_pending_amount) == (0, Decimal("10.00"))
    assert "refunded" not in events_of(order)
    note = order.events.get(type="note", data__has_key="refund_pending")
    assert (note.data["refund_pending"], note.data["psp_reference"]) == ("10.00", "offline-refund-7")
    assert (order_refund_pending_amount(order), order_refundable_amount(order)) == (
        Decimal("10.00"),
        charged - Decimal("10.00"),
    )
    with pytest.raises(DomainError) as too_much:
        order_refund(order, charged - Decimal("9.99"), actor=pears["owner"])
    assert too_much.value.code == "cannot_refund"

    event, created = transaction_event_report(item, T.REFUND_SUCCESS, "10.00", psp_reference="offline-refund-7")
    assert created
    order.refresh_from_db()
    item.refresh_from_db()
    assert order.refunded_amount == item.refunded_amount == Decimal("10.00") and item.refund_pending_amount == 0
    refunded = order.events.get(type="refunded")
    assert (refunded.data["amount"], refunded.data["psp_reference"], refunded.data["reason"]) == (
        "10.00",
        "offline-refund-7",
        "坏果",
    )
    assert (order_refund_pending_amount(order), order_refundable_amount(order)) == (0, charged - Decimal("10.00"))
    # The provider's report again, or the hook run twice, counts nothing more.
    assert transaction_event_report(item, T.REFUND_SUCCESS, "10.00", psp_reference="offline-refund-7")[1] is False
    assert order_refund_settle(item, event) is None
    order.refresh_from_db()
    assert order.refunded_amount == Decimal("10.00") and events_of(order).count("refunded") == 1


def test_pending_refund_the_provider_then_refuses_can_be_asked_again(buyer, rural, pears, monkeypatch):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE")
    charged = order.charged_amount
    with monkeypatch.context() as patched:
        provider_answers(patched, "refund", T.REFUND_REQUEST, "offline-refund-8")
        order_refund(order, charged, actor=pears["owner"])
    item = item_of(order)
    assert order_refundable_amount(order) == 0 and item.refund_pending_amount == charged
    transaction_event_report(
        item, T.REFUND_FAILURE, charged, psp_reference="offline-refund-8", message="account closed"
    )
    order.refresh_from_db()
    item.refresh_from_db()
    assert (order.refunded_amount, item.refunded_amount, item.refund_pending_amount) == (0, 0, 0)
    assert order.events.get(type="note", data__has_key="refund_failed").data["refund_failed"] == str(charged)
    assert order_refundable_amount(order) == charged and "refunded" not in events_of(order)
    order_refund(order, charged, actor=pears["owner"], reason="再退一次")
    order.refresh_from_db()
    assert order.refunded_amount == item_of(order).refunded_amount == charged
    assert events_of(order).count("refunded") == 1
