"""What the orders app tells the layers above it, without importing them (meidu.core.hooks).

Settlement and complaints sit above orders (marketplace/LAYERS.md): they call orders' services
and read its tables; orders reach them only through this hook, whose subscribers meidu/wiring.py
names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from meidu.core.hooks import Hook

if TYPE_CHECKING:
    from marketplace.orders.models import Order

order_changed: Hook[[Order], None] = Hook("order_changed")
"""Fired after each timeline row an order gets (order_event, order_events_announce: once per order),
inside the causing transaction. Subscriber: settlement (settlement_order_sync_soon: the order's
postings, recomputed after commit)."""
