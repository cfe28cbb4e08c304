"""Demo data of distributor commission (issue 16): a month of orders bought through the demo
distributor's shop (+8613800000003) by the demo buyer, placed, shipped, delivered and refunded through
the services, so that its earnings page shows commission pending, earned, clawed back and paid in a
weekly payout batch, week by week.

Runs after the incubator's pool and distribution demo (which opens the demo distributor's shop and its
picks); does nothing without them, and nothing when the demo distributor already has commission
(idempotent). Six orders through the real checkout keep the first start quick (two to three seconds).
To spread the month, the orders' and commission lines' dates are moved back afterwards (demo data
only): the week a line belongs to is its order's date; a line earned in a past week is paid in the
batch of the last complete week, made here as the weekly job would make it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from incubator.commission.models import CommissionLine
from incubator.commission.services.lines import commission_earn_due
from incubator.distribution.models import DistributionPick, PickState
from logistics.geography.models import Village
from marketplace.channels.models import Channel
from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.demo_orders import BUYER_PHONE, DEMO_ADDRESS
from marketplace.orders.models import Order
from marketplace.orders.services.lifecycle import order_deliver, order_fulfill, order_refund
from marketplace.payments.services import transaction_initialize
from marketplace.settlement.services.payouts import last_week_end, payout_batch_create
from marketplace.shipping.models import ShippingKind
from marketplace.shops.models import Shop, ShopKind, ShopMember
from meidu.accounts.models import User

DISTRIBUTOR_PHONE = "+8613800000003"
# (days ago, units, what happens): the month of the demo distributor's sales, oldest first.
PLAN = [
    (27, 2, "paid"),
    (20, 1, "partly_refunded"),
    (16, 2, "returned"),
    (11, 2, "paid"),
    (4, 1, "earned"),
    (0, 1, "placed"),
]


def _checkout(buyer, rural, reseller, variant, quantity: int, key: str) -> Order:
    checkout = checkout_create(channel=rural, user=buyer, lines=[(variant, quantity)], reseller=reseller)
    village = Village.objects.select_related("town").order_by("code").first()
    checkout_shipping_address_update(
        checkout,
        dict(DEMO_ADDRESS, street_address_1=f"{village.town.name}{village.name}5组8号", city_area=village.town.county),
    )
    shop = variant.product.shop
    checkout_delivery_method_update(
        checkout,
        shipping_method=shop.shipping_methods.filter(kind=ShippingKind.COUNTY_DELIVERY).first()
        or shop.shipping_methods.first(),
    )
    transaction_initialize(
        checkout_token=checkout.pk,
        gateway_id="meidu.payments.offline",
        action="CHARGE",
        idempotency_key=key,
        user=buyer,
    )
    [order] = checkout_complete(checkout.pk, user=buyer).orders
    return order


def _deliver(order: Order, buyer) -> Order:
    owner = ShopMember.objects.filter(shop_id=order.shop_id, role="owner").select_related("user").first().user
    order_fulfill(
        order,
        actor=owner,
        lines=[
            (line, line.quantity, str(line.quantity) if line.sold_by_weight else None) for line in order.lines.all()
        ],
        local_delivery=True,
    )
    order.refresh_from_db()
    return order_deliver(order, actor=buyer, by_buyer=True)


def seed_commission_month(distributor_phone: str = DISTRIBUTOR_PHONE, buyer_phone: str = BUYER_PHONE) -> int:
    """The demo distributor's month of commission; the number of orders placed."""
    buyer = User.objects.filter(phone=buyer_phone).first()
    shop = Shop.objects.filter(members__user__phone=distributor_phone, kind=ShopKind.DISTRIBUTOR).first()
    rural = Channel.objects.filter(slug="rural").first()
    if buyer is None or shop is None or rural is None or CommissionLine.objects.filter(distributor=shop).exists():
        return 0
    picks = list(
        DistributionPick.objects.filter(
            distributor_shop=shop,
            state=PickState.LIVE,
            offer__state="open",
            offer__variant__stocks__quantity__gte=10,
            offer__variant__product__shop__shipping_methods__kind=ShippingKind.COUNTY_DELIVERY,
        )
        .select_related("offer__variant__product__shop")
        .distinct()
        .order_by("pk")[:3]
    )
    if not picks:
        return 0
    now = timezone.now()
    placed = []
    for index, (days_ago, units, fate) in enumerate(PLAN):
        variant = picks[index % len(picks)].offer.variant
        order = _checkout(buyer, rural, shop, variant, units, key=f"demo-commission-{index}")
        if fate != "placed":
            order = _deliver(order, buyer)
        if fate == "partly_refunded":
            order_refund(order, (order.charged_amount / 2).quantize(Decimal("0.01")), actor=buyer, reason="一箱磕碰")
        if fate == "returned":
            order_refund(order, order.charged_amount, actor=buyer, reason="退货退款")
        placed.append((order, days_ago, fate))
    # windows of the delivered orders close (as the hourly job would, once their 7 days have passed)
    commission_earn_due(now + timedelta(days=8), limit=len(placed))
    week_end = last_week_end()
    cutoff = timezone.make_aware(datetime.combine(week_end + timedelta(days=1), time.min))
    for order, days_ago, fate in placed:
        when = now - timedelta(days=days_ago)
        Order.objects.filter(pk=order.pk).update(created_at=when)
        lines = CommissionLine.objects.filter(order=order)
        lines.update(created_at=when)
        if fate in ("paid", "partly_refunded"):
            lines.exclude(earned_at=None).update(earned_at=min(when + timedelta(days=8), cutoff - timedelta(hours=1)))
    # the batch of the last complete week pays what was earned before its end
    payout_batch_create(week_end)
    return len(placed)


COMMISSION_DEMO_STEPS = [("a month of distributor commission", seed_commission_month)]
