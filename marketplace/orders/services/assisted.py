"""Recording that a station agent placed orders for a villager (网络代购).

The orders were created by checkout in the villager's name; this adds who assisted, at which
station, how the villager confirmed, and the service-fee terms in force, with a timeline note. It
runs in the transaction that completed the checkout (marketplace.assisted's confirmation), after
the order rows were written, so an order is never seen without its assistant.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from marketplace.orders.events import order_event
from marketplace.orders.models import AssistConfirmation, Order, OrderAssistance, OrderEventType


def order_assistance_record(
    orders: list[Order],
    *,
    assistant,
    station,
    confirmation: str,
    signed_name: str = "",
    fee_percent: Decimal,
    fee_minimum: Decimal,
) -> list[OrderAssistance]:
    """One OrderAssistance per order and a NOTE event naming the station. Lock order: none of its
    own (new rows; the caller holds the checkout and the new orders)."""
    attested_at = timezone.now() if confirmation == AssistConfirmation.COUNTER_SIGNATURE else None
    rows = OrderAssistance.objects.bulk_create(
        [
            OrderAssistance(
                order=order,
                assistant=assistant,
                station=station,
                confirmation=confirmation,
                signed_name=signed_name if attested_at else "",
                attested_at=attested_at,
                fee_percent=fee_percent,
                fee_minimum=fee_minimum,
            )
            for order in orders
        ]
    )
    for order in orders:
        order_event(
            order,
            OrderEventType.NOTE,
            user=assistant,
            assisted_at=station.name,
            confirmation=confirmation,
        )
    return rows
