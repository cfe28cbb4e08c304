"""Complaints through the services: register and route, respond, escalate when the deadline
passes (the beat task with a time passed in), resolve (refund through the orders service,
replacement, rejection), rate; every refusal writes nothing."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from marketplace.complaints.models import Complaint, ComplaintEvent
from marketplace.complaints.services import (
    complaint_create,
    complaint_escalate,
    complaint_rate,
    complaint_resolve,
    complaint_respond,
)
from marketplace.complaints.tasks import complaints_escalate_due
from marketplace.orders.models import Order, OrderEvent
from marketplace.payments.models import TransactionItem
from marketplace.shops.models import ShopNotice
from meidu.accounts.roles import Role
from meidu.core.audit.models import AuditEvent
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.refusals import assert_refused


def events(complaint):
    return list(ComplaintEvent.objects.filter(complaint=complaint).values_list("type", "actor_kind"))


def snapshot(complaint=None):
    """Everything a refusal must leave as it was."""
    rows = Complaint.objects.order_by("pk").values_list("pk", "status", "resolution", "handling_rating", "due_at")
    return (
        list(rows),
        ComplaintEvent.objects.count(),
        ShopNotice.objects.count(),
        OrderEvent.objects.count(),
        list(Order.objects.order_by("pk").values_list("refunded_amount", flat=True)),
        list(TransactionItem.objects.order_by("pk").values_list("refunded_amount", flat=True)),
    )


def refused(code, call, *args, **kwargs):
    return assert_refused(snapshot, code, call, *args, **kwargs)


def test_register_route_respond_refund_rate(buyer, owner, order, pears):
    now = timezone.now()
    complaint = complaint_create(
        order, buyer=buyer, category="wrong_weight", description=" 标5斤，实际只有4斤半 ", now=now
    )
    assert (complaint.status, complaint.shop_id, complaint.description) == (
        "awaiting_shop",
        order.shop_id,
        "标5斤，实际只有4斤半",
    )
    assert complaint.due_at == now + timedelta(hours=48)
    notice = ShopNotice.objects.get(shop=order.shop, kind="complaint_received")
    assert notice.data["complaint"] == complaint.pk and f"#{order.number}" in notice.message
    complaint = complaint_respond(complaint, actor=owner, message="抱歉，核实后退差价", now=now + timedelta(hours=3))
    assert complaint.status == "responded" and complaint.due_at == now + timedelta(hours=3 + 72)
    complaint = complaint_resolve(
        complaint, actor=owner, as_operator=False, resolution="refund", amount="6.25", note="退半斤差价"
    )
    assert (complaint.status, complaint.refund_amount, complaint.due_at) == ("resolved", Decimal("6.25"), None)
    order.refresh_from_db()
    assert order.refunded_amount == Decimal("6.25")
    assert TransactionItem.objects.get(checkout_token=order.checkout_token).refunded_amount == Decimal("6.25")
    assert order.events.filter(type="refunded").exists()
    assert AuditEvent.objects.filter(action="complaint.resolved", target_id=str(complaint.pk)).exists()
    complaint = complaint_rate(complaint, buyer=buyer, rating=4, comment="处理及时")
    assert (complaint.status, complaint.handling_rating) == ("closed", 4)
    assert events(complaint) == [
        ("created", "buyer"),
        ("routed", "system"),
        ("responded", "shop"),
        ("resolved", "shop"),
        ("rated", "buyer"),
    ]


def test_response_hours_are_configurable(settings, buyer, order):
    settings.COMPLAINT_RESPONSE_HOURS = 2
    now = timezone.now()
    complaint = complaint_create(order, buyer=buyer, category="quality", description="烂了", now=now)
    assert complaint.due_at == now + timedelta(hours=2)


def test_missed_response_escalates_to_operators(buyer, owner, order, make_user):
    start = timezone.now()
    complaint = complaint_create(order, buyer=buyer, category="missing_item", description="少了一袋", now=start)
    assert complaints_escalate_due((start + timedelta(hours=47)).isoformat()) == 0
    assert Complaint.objects.get(pk=complaint.pk).status == "awaiting_shop"
    assert complaints_escalate_due(start + timedelta(hours=48, seconds=1)) == 1
    complaint.refresh_from_db()
    assert (complaint.status, complaint.due_at) == ("escalated", None)
    escalated = ComplaintEvent.objects.get(complaint=complaint, type="escalated")
    assert escalated.actor_kind == "system" and escalated.data["missed"] == "response"
    assert ShopNotice.objects.filter(shop=order.shop, kind="complaint_escalated").exists()
    assert complaints_escalate_due(start + timedelta(hours=100)) == 0  # once only
    # Now only the platform handles it.
    refused("escalated_to_operator", complaint_respond, complaint, actor=owner, message="来晚了")
    refused(
        "escalated_to_operator", complaint_resolve, complaint, actor=owner, as_operator=False, resolution="replacement"
    )
    operator = make_user(Role.OPERATOR)
    complaint = complaint_resolve(
        complaint, actor=operator, as_operator=True, resolution="replacement", note="补发一袋，县城配送明日送达"
    )
    assert complaint.status == "resolved" and complaint.resolved_by_operator
    assert ShopNotice.objects.filter(shop=order.shop, kind="complaint_resolved").exists()
    assert [t for t, _ in events(complaint)] == ["created", "routed", "escalated", "resolved"]
    assert events(complaint)[-1] == ("resolved", "operator")


def test_missed_resolution_escalates_too(buyer, owner, order):
    start = timezone.now()
    complaint = complaint_create(order, buyer=buyer, category="service", description="态度差", now=start)
    complaint_respond(complaint, actor=owner, message="我们会改进", now=start + timedelta(hours=1))
    assert complaints_escalate_due(start + timedelta(hours=50)) == 0  # the response deadline no longer applies
    assert complaints_escalate_due(start + timedelta(hours=74)) == 1
    assert ComplaintEvent.objects.get(complaint=complaint, type="escalated").data["missed"] == "resolution"


def test_escalating_a_complaint_handled_in_time_writes_nothing(buyer, owner, order):
    start = timezone.now()
    complaint = complaint_create(order, buyer=buyer, category="quality", description="坏果", now=start)
    complaint_resolve(complaint, actor=owner, as_operator=False, resolution="rejected", note="照片显示完好")
    before = snapshot()
    assert complaint_escalate(complaint, now=start + timedelta(days=30)) is False
    assert snapshot() == before


def test_refund_above_what_was_paid_is_refused(buyer, owner, order, make_user):
    complaint = complaint_create(order, buyer=buyer, category="quality", description="全坏了")
    above = order.charged_amount + Decimal("0.01")
    err = refused(
        "refund_above_paid",
        complaint_resolve,
        complaint,
        actor=owner,
        as_operator=False,
        resolution="refund",
        amount=str(above),
    )
    assert err.field == "amount"
    for bad, code in (
        ("", "required"),
        (None, "required"),
        ("abc", "invalid"),
        ("0", "invalid"),
        ("-1", "invalid"),
        ("1.005", "invalid"),
        ("1e30", "invalid"),
        ("NaN", "invalid"),
    ):
        refused(code, complaint_resolve, complaint, actor=owner, as_operator=False, resolution="refund", amount=bad)
    refused(
        "invalid", complaint_resolve, complaint, actor=owner, as_operator=False, resolution="replacement", amount="5"
    )
    refused("invalid", complaint_resolve, complaint, actor=owner, as_operator=False, resolution="refund_all")
    # Everything that was paid is fine (and then nothing more).
    complaint_resolve(complaint, actor=owner, as_operator=False, resolution="refund", amount=str(order.charged_amount))
    order.refresh_from_db()
    assert order.refunded_amount == order.charged_amount
    second = complaint_create(order, buyer=buyer, category="service", description="还要再退")
    refused(
        "refund_above_paid",
        complaint_resolve,
        second,
        actor=make_user(Role.OPERATOR),
        as_operator=True,
        resolution="refund",
        amount="0.01",
    )


def test_refusals_of_the_buyer_steps(buyer, owner, order, make_user):
    refused("not_found", complaint_create, order, buyer=make_user(), category="quality", description="不是我的订单")
    refused("invalid", complaint_create, order, buyer=buyer, category="price", description="太贵")
    refused("required", complaint_create, order, buyer=buyer, category="quality", description="   ")
    refused("invalid", complaint_create, order, buyer=buyer, category="quality", description="长" * 2001)
    refused(
        "after_sales_closed",
        complaint_create,
        order,
        buyer=buyer,
        category="quality",
        description="晚了",
        now=order.after_sales_until + timedelta(seconds=1),
    )
    complaint = complaint_create(order, buyer=buyer, category="quality", description="有虫眼")
    refused("already_open", complaint_create, order, buyer=buyer, category="service", description="再投诉一次")
    refused("not_resolved", complaint_rate, complaint, buyer=buyer, rating=5)
    complaint_resolve(complaint, actor=owner, as_operator=False, resolution="rejected", note="正常现象，非质量问题")
    refused("already_resolved", complaint_resolve, complaint, actor=owner, as_operator=False, resolution="replacement")
    refused(
        "already_resolved",
        complaint_resolve,
        complaint,
        actor=make_user(Role.OPERATOR),
        as_operator=True,
        resolution="rejected",
        note="x",
    )
    refused("not_found", complaint_rate, complaint, buyer=make_user(), rating=5)
    for bad in (0, 6, "5", None, True):
        refused("invalid", complaint_rate, complaint, buyer=buyer, rating=bad)
    complaint_rate(complaint, buyer=buyer, rating=2, comment="不满意")
    refused("already_rated", complaint_rate, complaint, buyer=buyer, rating=5)
    # Resolved: the buyer may complain about the order again.
    assert (
        complaint_create(order, buyer=buyer, category="service", description="客服不回消息").status == "awaiting_shop"
    )


def test_rejection_needs_a_reason(buyer, owner, order):
    complaint = complaint_create(order, buyer=buyer, category="quality", description="坏了")
    refused("required", complaint_resolve, complaint, actor=owner, as_operator=False, resolution="rejected", note=" ")
    refused("required", complaint_respond, complaint, actor=owner, message="")


def test_late_delivery_complaint_on_an_order_not_delivered_yet(buyer, rural, pears):
    [placed] = placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE", key="late")
    complaint = complaint_create(placed, buyer=buyer, category="late_delivery", description="三天了还没发货")
    assert complaint.status == "awaiting_shop" and complaint.currency == placed.currency


def test_the_beat_schedule_runs_the_escalation_task(settings, buyer, order):
    from meidu.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["complaints-escalate-due"]
    app.loader.import_default_modules()
    task = app.tasks[entry["task"]]
    start = timezone.now()
    complaint_create(order, buyer=buyer, category="quality", description="坏果", now=start - timedelta(hours=49))
    assert task.delay().get() == 1  # eager in tests: runs now, with the current time
