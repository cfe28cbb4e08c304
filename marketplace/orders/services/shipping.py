"""Each fulfilment travels as a logistics shipment: made when the units leave, delivered with the order.

The order's delivery choice names the carrier (the county run for village delivery, a counter for
pickup, an express carrier when a tracking number is given, else the shop's own delivery); the parcel
weighs what its lines weigh (the weighed weight of a by-weight line, else the variant's weight, one
kilogram a unit when unknown); cash still due rides with it for the driver or the counter."""

from __future__ import annotations

from decimal import Decimal

from logistics.shipments.models import Carrier, ShipmentStatus
from logistics.shipments.services import ParcelSpec, shipment_act, shipment_create
from marketplace.orders.models import DeliveryKind, Fulfillment, Order

GRAMS = Decimal(1000)
JIN_KG = Decimal("0.5")
DEFAULT_UNIT_KG = Decimal("1")


def _carrier(order: Order, fulfillment: Fulfillment) -> str:
    if fulfillment.local_delivery:
        return Carrier.COUNTY_RUN
    if order.delivery_kind == DeliveryKind.COLLECTION:
        return Carrier.COUNTER
    if fulfillment.tracking_number:
        return Carrier.EXPRESS
    return Carrier.SELLER


def _line_kg(line, quantity: int) -> Decimal:
    if line.sold_by_weight and line.actual_weight is not None:
        per = JIN_KG if line.weight_unit == "jin" else Decimal("1")
        return line.actual_weight * per
    grams = getattr(line.variant, "weight_grams", None) if line.variant_id else None
    return (Decimal(grams) / GRAMS if grams else DEFAULT_UNIT_KG) * quantity


def fulfillment_ship(order: Order, fulfillment: Fulfillment, *, actor) -> None:
    """Create the fulfilment's shipment (inside the fulfilment's transaction)."""
    weight = sum(
        (_line_kg(row.order_line, row.quantity) for row in fulfillment.lines.select_related("order_line__variant")),
        Decimal("0"),
    )
    address = order.shipping_address if order.delivery_kind == DeliveryKind.SHIPPING else None
    destination = str(address) if address is not None else order.collection_point_name or order.shop.name
    shipment = shipment_create(
        reference=f"order:{order.number}/{fulfillment.fulfillment_order}",
        carrier=_carrier(order, fulfillment),
        parcels=[ParcelSpec(weight_kg=max(weight, Decimal("0.001")))],
        actor=actor,
        destination=destination,
        village_id=address.village_id if address is not None else None,
        recipient_name=address.recipient[:64] if address is not None else "",
        recipient_phone=str(address.phone) if address is not None else "",
        cash_to_collect=max(order.total_amount - order.charged_amount, Decimal("0")),
        currency=order.currency,
        tracking_number=fulfillment.tracking_number,
    )
    fulfillment.shipment = shipment
    fulfillment.save(update_fields=["shipment"])


def fulfillment_shipment_deliver(
    fulfillment: Fulfillment, *, actor, proof_kind: str, source: str, proof_text: str = ""
) -> None:
    """Deliver the fulfilment's shipment with the order (a shipment already delivered or returned stays)."""
    shipment = fulfillment.shipment
    if shipment is None or shipment.status in (ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED):
        return
    shipment_act(shipment, "deliver", actor=actor, proof_kind=proof_kind, proof_text=proof_text, source=source)
