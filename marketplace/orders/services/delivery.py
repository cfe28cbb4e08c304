"""The courier or village driver hands a shipped parcel over (collecting cash on delivery)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.orders.error_codes import OrderErrorCode
from marketplace.orders.models import Order
from marketplace.orders.services.lifecycle import _lock, order_deliver
from marketplace.orders.services.money import order_cod_collect
from marketplace.orders.state import allowed
from meidu.core.errors import DomainError


def order_handover(order: Order, *, actor, cash_collected: bool = False) -> Order:
    with transaction.atomic():
        locked = _lock(order)
        if not allowed("deliver", locked.status):
            raise DomainError(_("Only a shipped order can be handed over"), OrderErrorCode.INVALID, field="id")
        due = locked.total_amount - locked.charged_amount
        if due > 0:
            if not cash_collected:
                raise DomainError(
                    _("Collect %(amount)s in cash first") % {"amount": due},
                    OrderErrorCode.CANNOT_FULFILL_UNPAID_ORDER,
                    field="cashCollected",
                )
            order_cod_collect(locked, actor=actor)
        return order_deliver(locked, actor=actor, source="driver")
