"""Who may act on an order: the shop's members (sellers), operators with MANAGE_ORDERS, the buyer
for their own few actions, a county driver for the hand-over of a locally delivered parcel. Another
shop's member gets NOT_FOUND-free top-level permission errors.

The rules are marketplace.orders.policies (the pages ask the same functions); this module finds
the order named by a global ID and turns a refusal into the API's permission error."""

from __future__ import annotations

from django.utils.translation import gettext as _

from marketplace.orders.error_codes import OrderErrorCode
from marketplace.orders.models import Order
from marketplace.orders.policies import order_buyer_may_cancel, order_is_buyer, order_may_hand_over_as, order_may_manage
from marketplace.shops.access import shop_access_denied
from meidu.core.errors import DomainError, PermissionDenied
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.permissions import requestor
from meidu.core.permissions import OrderPermissions

PERM = OrderPermissions.MANAGE_ORDERS


def order_from_id(global_id: str, field: str = "id") -> Order:
    return get_node_or_error(Order, global_id, "Order", field)


def _refuse() -> None:
    raise shop_access_denied(PERM)


def _require_manager(info, order: Order) -> None:
    if not order_may_manage(requestor(info), order):
        _refuse()


def order_for_seller(info, global_id: str, field: str = "id") -> Order:
    order = order_from_id(global_id, field)
    _require_manager(info, order)
    return order


def order_for_buyer(info, global_id: str, field: str = "id") -> Order:
    order = order_from_id(global_id, field)
    if not order_is_buyer(requestor(info), order):
        raise PermissionDenied(message=_("Only the buyer of this order may do this"))
    return order


def order_for_cancel(info, global_id: str, field: str = "id") -> tuple[Order, bool]:
    """The buyer may cancel their own order until the seller confirms it; after that (and for anyone
    else) only the shop's members or an operator. Returns (order, whether as its buyer): the service
    checks the status again under the order's lock, as the seller may confirm meanwhile."""
    order = order_from_id(global_id, field)
    if order_buyer_may_cancel(requestor(info), order):
        return order, True
    _require_manager(info, order)
    return order, False


def order_for_handover(info, global_id: str, field: str = "id") -> Order:
    """A parcel is handed over by the shop's members or an operator, or by a county driver (the DRIVER
    role: collects cash on delivery, manages no orders) when the shop sent it by local delivery."""
    order = order_from_id(global_id, field)
    if not order_may_hand_over_as(requestor(info), order):
        _refuse()
    return order


def lines_of(order: Order, items, field: str = "lines"):
    from graphql_relay import from_global_id

    by_pk = {line.pk: line for line in order.lines.all()}
    found = []
    for item in items:
        try:
            type_name, pk = from_global_id(item["order_line_id"])
        except Exception:
            type_name, pk = "", ""
        line = by_pk.get(int(pk)) if type_name == "OrderLine" and str(pk).isdigit() else None
        if line is None:
            raise DomainError(_("That line is not part of this order"), OrderErrorCode.NOT_FOUND, field=field)
        found.append((line, item))
    return found
