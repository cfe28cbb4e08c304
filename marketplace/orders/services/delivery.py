"""The courier or village driver hands a shipped parcel over (collecting cash on delivery)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.orders.error_codes import OrderErrorCode
from marketplace.orders.models import Order, OrderStatus
from marketplace.orders.services.lifecycle import _lock, order_deliver
from marketplace.orders.services.money import order_cod_collect
from meidu.accounts.models import User
from meidu.accounts.roles import Role
from meidu.accounts.selectors import user_role_names
from meidu.core.errors import DomainError
from meidu.core.permissions import OrderPermissions


def is_county_driver(actor) -> bool:
    """A driver of the county's delivery runs (the DRIVER role) or an operator may hand over any
    locally delivered parcel. Sellers also hold COLLECT_CASH_ON_DELIVERY, for their own counter and
    door: that permission alone does not make anyone a driver."""
    if not isinstance(actor, User) or not actor.is_active:
        return False
    return Role.DRIVER.value in user_role_names(actor) or actor.has_perm(OrderPermissions.MANAGE_ORDERS.value)


def order_handover(order: Order, *, actor, cash_collected: bool = False) -> Order:
    with transaction.atomic():
        locked = _lock(order)
        if locked.status != OrderStatus.FULFILLED:
            raise DomainError(_("Only a shipped order can be handed over"), OrderErrorCode.INVALID, field="id")
        due = locked.total_amount - locked.charged_amount
        if due > 0:
            if not cash_collected:
                raise DomainError(_("Collect %(amount)s in cash first") % {"amount": due}, OrderErrorCode.CANNOT_FULFILL_UNPAID_ORDER, field="cashCollected")
            order_cod_collect(locked, actor=actor)
        return order_deliver(locked, actor=actor)
