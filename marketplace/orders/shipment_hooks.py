"""Tell the world outside when an order's shipment moves (webhooks through the outbox).

Logistics sits below the marketplace and the outbox, so it fires `shipments.hooks.shipment_changed`
and this subscriber, which knows the order, emits SHIPMENT_CREATED, SHIPMENT_STATUS_CHANGED and, for a
failed attempt, SHIPMENT_DELIVERY_FAILED too."""

from __future__ import annotations

from logistics.shipments.models import Shipment, ShipmentEvent, ShipmentStatus
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.services.outbox import webhook_event_emit


def _order_number(reference: str) -> int | None:
    if not reference.startswith("order:"):
        return None
    number = reference[len("order:") :].split("/", 1)[0]
    return int(number) if number.isdigit() else None


def orders_shipment_changed(shipment: Shipment, event: ShipmentEvent) -> None:
    data = {
        "shipment": shipment.number,
        "order": _order_number(shipment.reference),
        "carrier": shipment.carrier,
        "trackingNumber": shipment.tracking_number,
        "status": shipment.status,
        "action": event.action,
        "reason": event.reason,
        "happenedAt": event.happened_at.isoformat(),
    }
    if event.action == "create":
        webhook_event_emit(WebhookEventType.SHIPMENT_CREATED, data)
        return
    webhook_event_emit(WebhookEventType.SHIPMENT_STATUS_CHANGED, data)
    if shipment.status == ShipmentStatus.FAILED_ATTEMPT:
        webhook_event_emit(WebhookEventType.SHIPMENT_DELIVERY_FAILED, data)
