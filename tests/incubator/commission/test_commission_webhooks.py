"""Webhooks through the outbox: COMMISSION_EARNED when the window closes, COMMISSION_CLAWED_BACK on a
refund; only apps holding MANAGE_COMMISSION may subscribe to them."""

import json

from incubator.commission.services.lines import commission_earn_due
from marketplace.orders.services.lifecycle import order_refund
from meidu.core.permissions import CommissionPermissions
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.models import EventPayload
from meidu.integrations.services.apps import app_create
from meidu.integrations.services.webhooks import webhook_create
from tests.meidu.integrations.receiver import WebhookReceiver
from tests.support.commission import after_window, delivered, fresh
from tests.support.distribution import resale_orders

EVENTS = [WebhookEventType.COMMISSION_EARNED.value, WebhookEventType.COMMISSION_CLAWED_BACK.value]


def payloads(kind):
    return [json.loads(p.payload) for p in EventPayload.objects.filter(event_type=kind).order_by("pk")]


def test_earned_and_clawed_back_are_announced(buyer, rural, coop, distributor, pick, rules, operator):
    app, _raw = app_create(name="County finance", permissions=[CommissionPermissions.MANAGE_COMMISSION], actor=operator)
    with WebhookReceiver() as receiver:
        webhook_create(app, target_url=receiver.url, events=EVENTS, actor=operator)
        [order] = resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 3)])
        order = delivered(order, coop["owner"], buyer)
        commission_earn_due(after_window(order))
        [earned] = payloads("commission_earned")
        assert earned["event"] == "COMMISSION_EARNED"
        assert earned["data"]["amount"] == "4.14" and earned["data"]["order_number"] == order.number
        order_refund(fresh(order), fresh(order).charged_amount, actor=coop["owner"], reason="退货")
        [clawed] = payloads("commission_clawed_back")
        assert clawed["data"]["amount"] == "4.14" and clawed["data"]["status"] == "clawed_back"
