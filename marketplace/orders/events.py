"""Order timeline rows and the matching webhooks, written in the causing transaction."""

from __future__ import annotations

from marketplace.orders.hooks import order_changed
from marketplace.orders.models import Order, OrderEvent, OrderEventType
from meidu.accounts.models import User
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.models import App
from meidu.integrations.services.outbox import webhook_event_emit

WEBHOOK_FOR_EVENT = {
    OrderEventType.CREATED: WebhookEventType.ORDER_CREATED,
    OrderEventType.PAID: WebhookEventType.ORDER_PAID,
    OrderEventType.FULFILLED: WebhookEventType.ORDER_FULFILLED,
    OrderEventType.READY_FOR_PICKUP: WebhookEventType.ORDER_FULFILLED,
    OrderEventType.DELIVERED: WebhookEventType.ORDER_DELIVERED,  # a pickup too: it is delivered right after
    OrderEventType.CANCELED: WebhookEventType.ORDER_CANCELLED,
}


def order_webhook_data(order: Order) -> dict:
    return {
        "number": order.number,
        "token": str(order.token),
        "shop": order.shop_id,
        "status": order.status,
        "total": {"amount": str(order.total_amount), "currency": order.currency},
        "charged": str(order.charged_amount),
        "refunded": str(order.refunded_amount),
        "delivery": order.delivery_kind,
    }


def _actor(user, data: dict) -> tuple[User | None, dict]:
    """The timeline's user column holds people; an app acting through its token is named in the
    event's data instead."""
    if isinstance(user, App):
        return None, {**data, "app": user.identifier}
    return (user if isinstance(user, User) else None), data


def _webhook(order: Order, event_type: OrderEventType, data: dict) -> None:
    webhook = WEBHOOK_FOR_EVENT.get(event_type)
    if webhook is not None:
        webhook_event_emit(webhook, {"order": order_webhook_data(order), "event": event_type.value, **data})


def _settlement(order: Order) -> None:
    order_changed.send(order)  # settlement's postings (meidu/wiring.py)


def order_event(order: Order, event_type: OrderEventType, *, user=None, **data) -> OrderEvent:
    """One timeline row, its webhook (through the outbox) and the order's settlement postings."""
    user, data = _actor(user, data)
    event = OrderEvent.objects.create(order=order, type=event_type, user=user, data=data)
    _webhook(order, event_type, data)
    _settlement(order)
    return event


def order_events_new(entries: list[tuple[Order, OrderEventType, object, dict]]) -> list[OrderEvent]:
    """Timeline rows not written yet: the caller inserts them with other rows (meidu.core.sql.bulk),
    then calls order_events_announce."""
    return [
        OrderEvent(order=order, type=event_type, user=actor, data=actor_data)
        for order, event_type, user, data in entries
        for actor, actor_data in [_actor(user, data)]
    ]


def order_events_announce(entries: list[tuple[Order, OrderEventType, object, dict]]) -> None:
    """The webhooks of written timeline rows, in their order, then one settlement sync per order."""
    for order, event_type, _user, data in entries:
        _webhook(order, event_type, data)
    for order in dict.fromkeys(order for order, *_rest in entries):
        _settlement(order)
