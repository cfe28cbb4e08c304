"""What the buying pages show, computed from the checkout and order selectors (no writes).

Delivery choices are values of the form "m<shipping method id>" or "p<pickup warehouse id>";
``delivery_target`` turns one back into the keyword the delivery service takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from marketplace.checkout.selectors import collection_points_for, shipping_quotes_for
from marketplace.inventory.selectors import pickup_point_get
from marketplace.orders.models import DeliveryKind, OrderEventType, OrderStatus
from marketplace.payments.gateways import gateway_get
from marketplace.payments.selectors import payment_gateways_available
from marketplace.shipping.models import ShippingKind
from marketplace.shipping.selectors import shipping_method_get
from storefront.shop.pricing import money_text

# The gateways these pages offer, in this order (each only where it is available: Stripe needs its keys).
PAGE_GATEWAYS = [
    (
        "meidu.payments.cod",
        gettext_lazy("Cash on delivery"),
        gettext_lazy("Pay in cash (or by QR code) when you receive or collect the goods."),
    ),
    (
        "meidu.payments.bank_transfer",
        gettext_lazy("Bank transfer"),
        gettext_lazy("Transfer the total with the reference code we show; the seller ships once it arrives."),
    ),
    (
        "meidu.payments.stripe",
        gettext_lazy("Bank card"),
        gettext_lazy(
            "Pay by bank card on the next step. Stripe takes the card: its number never reaches Meidu Market."
        ),
    ),
    (
        "meidu.payments.alipay",
        gettext_lazy("Alipay"),
        gettext_lazy("Pay with Alipay on the next step: on a phone the Alipay app opens, on a computer scan its code."),
    ),
    (
        "meidu.payments.wechatpay",
        gettext_lazy("WeChat Pay"),
        gettext_lazy(
            "Pay with WeChat on the next step: WeChat's own page on a phone, a QR code to scan on a computer."
        ),
    ),
    (
        "meidu.payments.offline",
        gettext_lazy("Demo card"),
        gettext_lazy("A test card for the demo: it is charged at once and takes no real money."),
    ),
]


@dataclass(frozen=True)
class DeliveryOption:
    value: str
    title: str
    detail: str
    price: Decimal


def delivery_options(group, address) -> list[DeliveryOption]:
    """Every way a shop's part can travel: its shipping methods that reach ``address`` (its own
    delivery among them), its own pickup points (a farmer's home, a store) first, then the village
    stations."""
    options = []
    for quote in shipping_quotes_for(group, address) if address is not None else []:
        if quote.method.kind == ShippingKind.SELLER:
            options.append(
                DeliveryOption(
                    f"m{quote.method.pk}",
                    _("Delivered by the seller"),
                    _("%(shop)s brings it to your door") % {"shop": group.shop.name},
                    quote.price,
                )
            )
            continue
        title = _("Village delivery") if quote.method.kind == ShippingKind.COUNTY_DELIVERY else _("Nationwide carrier")
        days = _("%(min)d–%(max)d days") % {"min": quote.days_min, "max": quote.days_max}
        options.append(DeliveryOption(f"m{quote.method.pk}", title, days, quote.price))
    for point in collection_points_for(group):
        if point.kind == "station":
            title = _("Pick up at the village station")
        elif point.kind == "store":
            title = _("Pick up at the store")
        else:
            title = _("Pick up from the seller")
        place = point.name
        if point.village_id:
            place = f"{point.name} · {point.village.town.name}{point.village.name}"
        options.append(DeliveryOption(f"p{point.pk}", title, place, Decimal("0.00")))
    return options


def delivery_value(group) -> str | None:
    """The saved choice of a shop, as a form value."""
    delivery = group.delivery
    if delivery is None:
        return None
    if delivery.shipping_method_id:
        return f"m{delivery.shipping_method_id}"
    if delivery.collection_point_id:
        return f"p{delivery.collection_point_id}"
    return None


def delivery_target(value: str) -> dict | None:
    """``{"shipping_method": ...}`` or ``{"collection_point": ...}`` for a form value, or None."""
    if not value or value[0] not in "mp" or not value[1:].isdigit():
        return None
    pk = int(value[1:])
    if value[0] == "m":
        method = shipping_method_get(pk)
        return {"shipping_method": method} if method else None
    point = pickup_point_get(pk)
    return {"collection_point": point} if point else None


def page_gateways(source) -> list[tuple[str, str, str]]:
    """(id, name, explanation) of the gateways offered on the page and available for this checkout."""
    available = {gateway.id for gateway in payment_gateways_available(source)} if source else set()
    return [
        (gateway_id, str(name), str(help_text))
        for gateway_id, name, help_text in PAGE_GATEWAYS
        if gateway_id in available and gateway_get(gateway_id) is not None
    ]


STATUS_TONE = {
    OrderStatus.UNCONFIRMED: "waiting",
    OrderStatus.UNFULFILLED: "waiting",
    OrderStatus.PARTIALLY_FULFILLED: "moving",
    OrderStatus.FULFILLED: "moving",
    OrderStatus.DELIVERED: "done",
    OrderStatus.CANCELED: "stopped",
    OrderStatus.RETURNED: "stopped",
    OrderStatus.PARTIALLY_RETURNED: "stopped",
}


# Page wording of statuses and timeline events (with a context: "Cancelled" of an order is not of an account).
STATUS_TEXT = {
    OrderStatus.UNCONFIRMED: pgettext_lazy("order status", "Awaiting the seller"),
    OrderStatus.UNFULFILLED: pgettext_lazy("order status", "Being prepared"),
    OrderStatus.PARTIALLY_FULFILLED: pgettext_lazy("order status", "Partly sent"),
    OrderStatus.FULFILLED: pgettext_lazy("order status", "Sent"),
    OrderStatus.DELIVERED: pgettext_lazy("order status", "Received"),
    OrderStatus.PARTIALLY_RETURNED: pgettext_lazy("order status", "Partly returned"),
    OrderStatus.RETURNED: pgettext_lazy("order status", "Returned"),
    OrderStatus.CANCELED: pgettext_lazy("order status", "Cancelled"),
}
EVENT_TEXT = {
    OrderEventType.CREATED: pgettext_lazy("order event", "Order placed"),
    OrderEventType.CONFIRMED: pgettext_lazy("order event", "Confirmed by the seller"),
    OrderEventType.PAID: pgettext_lazy("order event", "Paid"),
    OrderEventType.FULFILLED: pgettext_lazy("order event", "Sent"),
    OrderEventType.READY_FOR_PICKUP: pgettext_lazy("order event", "Ready for pickup"),
    OrderEventType.PICKED_UP: pgettext_lazy("order event", "Collected"),
    OrderEventType.PICKUP_CODE_REFUSED: pgettext_lazy("order event", "Wrong pickup code tried"),
    OrderEventType.DELIVERED: pgettext_lazy("order event", "Received"),
    OrderEventType.WEIGHED: pgettext_lazy("order event", "Weighed"),
    OrderEventType.CANCELED: pgettext_lazy("order event", "Cancelled"),
    OrderEventType.RETURNED: pgettext_lazy("order event", "Returned"),
    OrderEventType.REFUNDED: pgettext_lazy("order event", "Refunded"),
}


def status_text(order) -> str:
    """The status as the buyer reads it: a collection order that is ready says so."""
    if order.status == OrderStatus.FULFILLED and order.delivery_kind == DeliveryKind.COLLECTION:
        return _("Ready for pickup")
    return str(STATUS_TEXT.get(order.status) or order.get_status_display())


def shows_pickup_code(order) -> bool:
    return (
        bool(order.pickup_code)
        and order.picked_up_at is None
        and order.status not in (OrderStatus.CANCELED, OrderStatus.RETURNED, OrderStatus.DELIVERED)
    )


@dataclass(frozen=True)
class TimelineRow:
    when: object
    title: str
    detail: str


def _event_detail(event) -> str:
    data = event.data or {}
    if event.type in (OrderEventType.FULFILLED, OrderEventType.READY_FOR_PICKUP):
        if data.get("tracking_number"):
            return _("Tracking number %(number)s") % {"number": data["tracking_number"]}
        if data.get("local_delivery"):
            return _("Carried by the county delivery run")
    if event.type == OrderEventType.WEIGHED and data.get("actual"):
        return _("%(sku)s weighed %(actual)s") % {"sku": data.get("sku", ""), "actual": data["actual"]}
    if event.type in (OrderEventType.CANCELED, OrderEventType.RETURNED) and data.get("reason"):
        return str(data["reason"])
    if event.type == OrderEventType.REFUNDED and data.get("amount"):
        return money_text(Decimal(str(data["amount"])))
    return ""


def order_timeline(order) -> list[TimelineRow]:
    """The order's events, oldest first, without internal notes."""
    return [
        TimelineRow(event.created_at, str(EVENT_TEXT.get(event.type) or event.get_type_display()), _event_detail(event))
        for event in order.events.all()
        if event.type != OrderEventType.NOTE
    ]
