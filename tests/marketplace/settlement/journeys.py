"""Orders taken through their life for the settlement tests: paid and picked up at the store,
collected at the village station, released after the after-sales window."""

from django.utils import timezone

from marketplace.orders.services.lifecycle import order_deliver, order_fulfill
from marketplace.orders.services.pickup import order_pickup_verify
from marketplace.settlement.services.sync import settlement_release_due
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders


def fresh(order):
    order.refresh_from_db()
    return order


def after_window(order):
    return fresh(order).after_sales_until + timezone.timedelta(seconds=1)


def paid_at_store(buyer, rural, cooker, quantity=2, key=None):
    [order] = placed_orders(
        buyer,
        rural,
        [(cooker["variant"], quantity)],
        gateway=OFFLINE,
        action="CHARGE",
        pickup=cooker["store"],
        key=key or f"fix-pay-{quantity}-{timezone.now().timestamp()}",
    )
    return order


def picked_up_at_store(order, cooker, *, agent=None):
    """Shipped to the store, then handed over at its counter by ``agent`` (the owner by default)
    against the pickup code, collecting any cash still due."""
    order_fulfill(order, actor=cooker["owner"], lines=[(line, line.quantity, None) for line in order.lines.all()])
    return order_pickup_verify(
        cooker["store"], fresh(order).pickup_code, agent=agent or cooker["owner"], cash_collected=True
    )


def released_at_store(buyer, rural, cooker, quantity=2):
    order = picked_up_at_store(paid_at_store(buyer, rural, cooker, quantity), cooker)
    settlement_release_due(after_window(order))
    return order


def released_pears(buyer, rural, pears, key="fix-pears"):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE", key=key)
    order_fulfill(
        order,
        actor=pears["owner"],
        lines=[(line, line.quantity, "2.0") for line in order.lines.all()],
        local_delivery=True,
    )
    order = order_deliver(fresh(order), actor=buyer, by_buyer=True)
    settlement_release_due(after_window(order))
    return order


def collected_at_station(order, pears, station, agent):
    order_fulfill(order, actor=pears["owner"], lines=[(line, line.quantity, "2.0") for line in order.lines.all()])
    return order_pickup_verify(station, fresh(order).pickup_code, agent=agent, cash_collected=True)


def cooker_order(buyer, rural, cooker, quantity=2):
    [order] = placed_orders(
        buyer,
        rural,
        [(cooker["variant"], quantity)],
        gateway=OFFLINE,
        action="CHARGE",
        pickup=cooker["store"],
        key=f"pay-{quantity}-{timezone.now().timestamp()}",
    )
    return order


def delivered(order, owner, buyer):
    """Collected at the store's counter: the pickup code checked by the store (which marks it received)."""
    order_fulfill(order, actor=owner, lines=[(line, line.quantity, None) for line in order.lines.all()])
    return order_pickup_verify(order.collection_point, fresh(order).pickup_code, agent=owner)


def released_cooker_order(buyer, rural, cooker, quantity=2):
    order = cooker_order(buyer, rural, cooker, quantity)
    delivered(order, cooker["owner"], buyer)
    settlement_release_due(after_window(order))
    return order
