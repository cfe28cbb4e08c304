"""What shipments tell the layers above (meidu.core.hooks): logistics sits below the marketplace and
the outbox, so the webhooks and the order's own steps are theirs to take."""

from __future__ import annotations

from typing import TYPE_CHECKING

from meidu.core.hooks import Hook

if TYPE_CHECKING:
    from .models import Shipment, ShipmentEvent

shipment_changed: Hook[[Shipment, ShipmentEvent], None] = Hook("shipment_changed", required=False)
"""Fired inside the transaction of each new event of a shipment (created, every status change, a failed
attempt). Subscriber: the marketplace's shipment webhooks (SHIPMENT_CREATED, SHIPMENT_STATUS_CHANGED,
SHIPMENT_DELIVERY_FAILED)."""
