"""Who may do what to an order, now: the one answer both doors (GraphQL in api/access.py and the
pages in storefront/) ask.

Actors: the order's buyer (a signed-in user, never an app), the shop's members, operators and
apps holding MANAGE_ORDERS, and the county's drivers (the DRIVER role, or an operator) for parcels
on the county's delivery runs. Statuses come from the order's state machine (state.TRANSITIONS);
the services check them again under the order's lock, as the order may change meanwhile.

Each ``order_may_<action>`` answers for the actor and the status together (what a page shows);
the ``order_is_*`` / ``order_may_manage`` parts answer for the actor alone (what the API refuses
with a permission error before the service refuses the status with its own code).
"""

from __future__ import annotations

from marketplace.orders.models import Order, OrderStatus
from marketplace.orders.state import allowed
from marketplace.shops.policies import shop_may_act
from meidu.accounts.models import User
from meidu.accounts.roles import Role
from meidu.accounts.selectors import user_role_names
from meidu.core.permissions import OrderPermissions

MANAGE = OrderPermissions.MANAGE_ORDERS


def order_is_buyer(actor, order: Order) -> bool:
    """The signed-in user who placed the order (an app acting with a token is never the buyer)."""
    return (
        isinstance(actor, User) and actor.is_authenticated and order.user_id is not None and order.user_id == actor.pk
    )


def order_may_manage(actor, order: Order) -> bool:
    """The shop's members, or an operator (user or app) holding MANAGE_ORDERS."""
    return shop_may_act(actor, order.shop_id, MANAGE)


def order_is_county_driver(actor) -> bool:
    """A driver of the county's delivery runs (the DRIVER role) or an operator may hand over any
    locally delivered parcel. Sellers also hold COLLECT_CASH_ON_DELIVERY, for their own counter and
    door: that permission alone does not make anyone a driver."""
    if not isinstance(actor, User) or not actor.is_active:
        return False
    return Role.DRIVER.value in user_role_names(actor) or actor.has_perm(MANAGE.value)


def order_may_view(actor, order: Order) -> bool:
    """Its buyer, the shop's members and operators."""
    return order_is_buyer(actor, order) or order_may_manage(actor, order)


def order_may_confirm(actor, order: Order) -> bool:
    return order_may_manage(actor, order) and allowed("confirm", order.status)


def order_may_fulfill(actor, order: Order) -> bool:
    """Fulfilling an unconfirmed order confirms it first (state: confirm, then fulfill)."""
    return order_may_manage(actor, order) and (allowed("fulfill", order.status) or allowed("confirm", order.status))


def order_buyer_may_cancel(actor, order: Order) -> bool:
    """The buyer cancels their own order until the seller confirms it."""
    return order_is_buyer(actor, order) and order.status == OrderStatus.UNCONFIRMED


def order_may_cancel(actor, order: Order) -> bool:
    """The buyer before the seller confirms; the shop's members and operators until anything ships."""
    return order_buyer_may_cancel(actor, order) or (order_may_manage(actor, order) and allowed("cancel", order.status))


def order_may_confirm_receipt(actor, order: Order) -> bool:
    """The buyer says a shipped parcel arrived."""
    return order_is_buyer(actor, order) and allowed("deliver", order.status)


def order_may_refund(actor, order: Order) -> bool:
    """A cancelled order was refunded in full when it was cancelled."""
    return order_may_manage(actor, order) and order.status != OrderStatus.CANCELED


def order_may_return(actor, order: Order) -> bool:
    return order_may_manage(actor, order) and allowed("return", order.status)


def order_driver_may_hand_over(actor, order: Order) -> bool:
    """A county driver, for a parcel the shop sent on the county's delivery run."""
    return order_is_county_driver(actor) and order.fulfillments.filter(local_delivery=True).exists()


def order_may_hand_over_as(actor, order: Order) -> bool:
    """Who may hand a parcel over (the status is the service's): a county driver for a locally
    delivered parcel, else the shop's members and operators."""
    return order_driver_may_hand_over(actor, order) or order_may_manage(actor, order)


def order_may_hand_over(actor, order: Order) -> bool:
    return order.status == OrderStatus.FULFILLED and order_may_hand_over_as(actor, order)
