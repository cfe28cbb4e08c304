"""The provider's refusal of a refund or a capture, and amounts that are not amounts, are refused
with a code and write nothing: no order amount, no transaction event, no order event, no stock move.

The provider is the offline gateway, made to refuse through monkeypatch (it stands for the
outside provider, e.g. Stripe answering a refund with status "failed" without raising).
"""

from decimal import Decimal

import pytest
from django.utils.translation import gettext as _

from marketplace.complaints.models import Complaint, ComplaintEvent
from marketplace.complaints.services import complaint_create, complaint_resolve
from marketplace.inventory.models import Stock
from marketplace.orders.models import Fulfillment, Order, OrderEvent, OrderStatus
from marketplace.orders.services.lifecycle import order_cancel, order_fulfill, order_refund, order_return
from marketplace.payments.gateways import GatewayError
from marketplace.payments.gateways.base import GatewayResult
from marketplace.payments.gateways.offline import OfflineGateway
from marketplace.payments.models import TransactionEvent, TransactionItem
from marketplace.payments.models import TransactionEventType as T
from meidu.core.audit.models import AuditEvent
from meidu.core.errors import DomainError
from meidu.integrations.models import EventPayload
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.marketplace.reviews.helpers import deliver
from tests.refusals import assert_refused

ORDER_AMOUNTS = ("status", "total_amount", "authorized_amount", "charged_amount", "refunded_amount")
ITEM_AMOUNTS = (
    "authorized_amount",
    "charged_amount",
    "refunded_amount",
    "canceled_amount",
    "charge_pending_amount",
    "refund_pending_amount",
)


def snapshot():
    """Everything a refusal must leave as it was."""
    return {
        "orders": list(Order.objects.order_by("pk").values_list(*ORDER_AMOUNTS)),
        "items": list(TransactionItem.objects.order_by("pk").values_list(*ITEM_AMOUNTS)),
        "transaction_events": TransactionEvent.objects.count(),
        "order_events": list(OrderEvent.objects.order_by("pk").values_list("type", flat=True)),
        "fulfillments": Fulfillment.objects.count(),
        "stock": list(Stock.objects.order_by("pk").values_list("quantity", "quantity_allocated")),
        "webhooks": EventPayload.objects.count(),
        "audit": AuditEvent.objects.count(),
        "complaints": list(Complaint.objects.order_by("pk").values_list("status", "resolution", "refund_amount")),
        "complaint_events": ComplaintEvent.objects.count(),
    }


def refused(code, call, *args, **kwargs) -> DomainError:
    return assert_refused(snapshot, code, call, *args, **kwargs)


def provider_answers(monkeypatch, method: str, type_: str):
    """The offline provider answers ``method`` (refund, charge) with ``type_`` instead of success."""

    def answer(self, item, amount, *, idempotency_key=""):
        return GatewayResult(type_, amount, psp_reference=f"offline-{method}-answer", message="card account closed")

    monkeypatch.setattr(OfflineGateway, method, answer)


def provider_unreachable(monkeypatch, method: str):
    def fail(self, item, amount, *, idempotency_key=""):
        raise GatewayError("The provider timed out")

    monkeypatch.setattr(OfflineGateway, method, fail)


def item_of(order) -> TransactionItem:
    return TransactionItem.objects.get(checkout_token=order.checkout_token)


# --- refunds -------------------------------------------------------------------------------------------------


def test_cancel_whose_refund_the_provider_refuses_writes_nothing(buyer, rural, pears, monkeypatch):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE")
    assert order.charged_amount == order.total_amount > 0
    provider_answers(monkeypatch, "refund", T.REFUND_FAILURE)
    err = refused("gateway_error", order_cancel, order, actor=buyer, reason="买错了")
    assert err.message == _("The payment provider refused the refund.")
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == (OrderStatus.UNCONFIRMED, 0)
    assert (item_of(order).refunded_amount, item_of(order).refund_pending_amount) == (0, 0)
    assert not order.events.filter(type__in=["refunded", "canceled"]).exists()
    assert Stock.objects.get(variant=pears["variant"]).quantity_allocated == 2


def test_refund_the_provider_cannot_be_reached_for_writes_nothing(buyer, rural, pears, monkeypatch):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE")
    provider_unreachable(monkeypatch, "refund")
    err = refused("gateway_error", order_refund, order, "10.00", actor=pears["owner"], reason="坏果")
    assert err.field == "amount"
    order.refresh_from_db()
    assert order.refunded_amount == 0 and item_of(order).refunded_amount == 0


def test_return_whose_refund_is_refused_keeps_the_goods_unreturned(buyer, rural, cooker, monkeypatch):
    [order] = placed_orders(
        buyer, rural, [(cooker["variant"], 2)], gateway=OFFLINE, action="CHARGE", pickup=cooker["store"]
    )
    line = order.lines.get()
    order_fulfill(order, actor=cooker["owner"], lines=[(line, 2, None)])
    provider_answers(monkeypatch, "refund", T.REFUND_FAILURE)
    refused("gateway_error", order_return, order, actor=cooker["owner"], lines=[(line, 1)], reason="外壳破损")
    line.refresh_from_db()
    order.refresh_from_db()
    assert (line.quantity_returned, order.status, order.refunded_amount) == (0, OrderStatus.FULFILLED, 0)


def test_complaint_refund_the_provider_refuses_leaves_the_complaint_open(buyer, rural, pears, monkeypatch):
    [placed] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE")
    order = deliver(placed, pears["owner"], buyer)
    complaint = complaint_create(order, buyer=buyer, category="quality", description="全坏了")
    provider_answers(monkeypatch, "refund", T.REFUND_FAILURE)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        complaint_resolve(
            complaint, actor=pears["owner"], as_operator=False, resolution="refund", amount="6.25", note="退差价"
        )
    assert err.value.message == _("The payment provider refused the refund.") and err.value.field == "amount"
    assert err.value.code == "gateway_error"
    assert snapshot() == before
    complaint.refresh_from_db()
    assert (complaint.resolution, complaint.refund_amount) == ("", None) and complaint.status != "resolved"
    order.refresh_from_db()
    assert order.refunded_amount == 0 and item_of(order).refunded_amount == 0


def test_after_a_refusal_the_same_refund_goes_through_once_the_provider_agrees(buyer, rural, pears, monkeypatch):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE")
    with monkeypatch.context() as patched:
        provider_answers(patched, "refund", T.REFUND_FAILURE)
        refused("gateway_error", order_refund, order, "10.00", actor=pears["owner"])
    order_refund(order, "10.00", actor=pears["owner"], reason="坏果")
    order.refresh_from_db()
    item = item_of(order)
    assert (order.refunded_amount, item.refunded_amount, item.refund_pending_amount) == (Decimal("10.00"),) * 2 + (0,)
    assert list(order.events.filter(type="refunded").values_list("data__amount", flat=True)) == ["10.00"]


# --- captures ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("refusal", ["answer", "raise"])
def test_fulfilment_whose_capture_the_provider_refuses_writes_nothing(buyer, rural, pears, monkeypatch, refusal):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 4)], gateway=OFFLINE, action="AUTHORIZATION")
    total = order.total_amount
    if refusal == "answer":
        provider_answers(monkeypatch, "charge", T.CHARGE_FAILURE)
    else:
        provider_unreachable(monkeypatch, "charge")
    err = refused("gateway_error", order_fulfill, order, actor=pears["owner"], lines=[(order.lines.get(), 4, "3.6")])
    if refusal == "answer":
        assert err.message == _("The payment provider refused the capture.")
    order.refresh_from_db()
    assert (order.status, order.total_amount, order.charged_amount, order.authorized_amount) == (
        OrderStatus.UNCONFIRMED,
        total,
        0,
        total,
    )
    item = item_of(order)
    assert (item.charged_amount, item.authorized_amount, item.canceled_amount) == (0, total, 0)
    assert not order.events.filter(type__in=["paid", "fulfilled", "weighed"]).exists()
    assert order.lines.get().quantity_fulfilled == 0


# --- amounts that are not amounts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount", ["NaN", "sNaN", "-NaN", "Infinity", "-Infinity", "1e30", "abc", "", "0", "-5", "0.001", "10000000000.00"]
)
def test_order_refund_refuses_what_is_not_an_amount(buyer, rural, pears, amount):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE")
    err = refused("invalid", order_refund, order, amount, actor=pears["owner"], reason="坏果")
    assert err.field == "amount"
    order.refresh_from_db()
    assert order.refunded_amount == 0 and item_of(order).refunded_amount == 0
