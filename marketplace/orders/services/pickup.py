"""Pickup codes (核销码): the store clerk or village-station agent checks the buyer's code.

Only members of the shop that runs the collection point may verify; five wrong codes in ten
minutes lock that agent out for a while (counted by meidu.accounts.throttle, so every worker
process sees the same count); a used code is refused as used. Cash on delivery is collected at the
counter in the same step.
"""

from __future__ import annotations

import hmac

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.orders.error_codes import OrderErrorCode
from marketplace.orders.events import order_event
from marketplace.orders.models import Order, OrderEventType, OrderStatus
from marketplace.orders.services.lifecycle import _lock, order_deliver
from marketplace.orders.services.money import order_cod_collect
from marketplace.shops.selectors import shop_is_member
from meidu.accounts.throttle import forget, hit, hits
from meidu.core.errors import DomainError

MAX_FAILURES = 5
LOCK_SECONDS = 600


def _failures_key(agent, point_id: int) -> str:
    return f"pickup-failures:{point_id}:{agent.pk}"


def order_pickup_verify(collection_point, code: str, *, agent, cash_collected: bool = False) -> Order:
    if agent is None or not shop_is_member(agent, collection_point.shop_id):
        raise DomainError(
            _("Only the staff of this pickup point can verify its codes"),
            OrderErrorCode.NOT_COLLECTION_POINT_AGENT,
            field="collectionPoint",
        )
    key = _failures_key(agent, collection_point.pk)
    if hits(key) >= MAX_FAILURES:
        raise DomainError(
            _("Too many wrong codes; try again in ten minutes"), OrderErrorCode.PICKUP_CODE_LOCKED, field="code"
        )
    code = (code or "").strip()
    try:
        delivered = _verify(collection_point, code, agent=agent, cash_collected=cash_collected)
    except DomainError as refusal:
        if refusal.code == OrderErrorCode.WRONG_PICKUP_CODE.value:
            hit(key, LOCK_SECONDS)  # after the rollback: the count must outlive the refusal
        raise
    forget(key)
    return delivered


def _verify(collection_point, code: str, *, agent, cash_collected: bool) -> Order:
    with transaction.atomic():
        found = (
            list(Order.objects.filter(collection_point=collection_point, pickup_code=code).order_by("-number")[:5])
            if code
            else []
        )
        candidates = [_lock(order) for order in found]
        match = next(
            (
                order
                for order in candidates
                if hmac.compare_digest(order.pickup_code, code)
                and order.picked_up_at is None
                and order.status != OrderStatus.CANCELED
            ),
            None,
        )
        if match is None:
            if any(order.picked_up_at for order in candidates):
                raise DomainError(_("This code was already used"), OrderErrorCode.PICKUP_CODE_USED, field="code")
            raise DomainError(_("No parcel here has this code"), OrderErrorCode.WRONG_PICKUP_CODE, field="code")
        if match.status != OrderStatus.FULFILLED:
            raise DomainError(_("The parcel is not ready for pickup yet"), OrderErrorCode.INVALID, field="code")
        due = match.total_amount - match.charged_amount
        if due > 0:
            if not cash_collected:
                raise DomainError(
                    _("Collect %(amount)s in cash first") % {"amount": due},
                    OrderErrorCode.CANNOT_FULFILL_UNPAID_ORDER,
                    field="cashCollected",
                )
            order_cod_collect(match, actor=agent, collector_verified=True)  # a member of the point's shop
        match.picked_up_at = timezone.now()
        match.picked_up_by = agent
        match.save(update_fields=["picked_up_at", "picked_up_by", "updated_at"])
        order_event(match, OrderEventType.PICKED_UP, user=agent, point=collection_point.pk)
        return order_deliver(match, actor=agent, proof_kind="pickup_code", source="station")
