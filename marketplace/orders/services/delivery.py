"""The courier or village driver hands a shipped parcel over (collecting cash on delivery), or records
a failed attempt with its reason.

Once the day's runs are dispatched, a parcel on a run is the business of that run's driver: another
driver can neither hand it over nor mark it failed (operators can). Lock order: the order, then its
shipments (logistics.shipments.services)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from logistics.routing.selectors import parcels_run_drivers
from logistics.shipments.services import shipment_act
from marketplace.orders.error_codes import OrderErrorCode
from marketplace.orders.events import order_event
from marketplace.orders.models import Order, OrderEventType
from marketplace.orders.services.lifecycle import _lock, order_deliver
from marketplace.orders.services.money import order_cod_collect
from marketplace.orders.state import allowed
from meidu.core.errors import DomainError
from meidu.core.permissions import OrderPermissions

FAILURE_REASONS = ("nobody_home", "refused", "wrong_address", "unreachable", "damaged", "other")


def _refuse_other_drivers_parcel(order: Order, actor) -> None:
    numbers = [f.shipment.number for f in order.fulfillments.select_related("shipment") if f.shipment_id]
    drivers = parcels_run_drivers(timezone.localdate(), numbers)
    if not drivers or getattr(actor, "pk", None) in drivers or actor.has_perm(OrderPermissions.MANAGE_ORDERS.value):
        return
    raise DomainError(_("This parcel is on another driver's run today"), OrderErrorCode.NOT_YOUR_RUN, field="id")


def order_handover(order: Order, *, actor, cash_collected: bool = False, signed_by: str = "") -> Order:
    """Hand the parcel over; `signed_by` (the name the recipient signed) is kept as the proof of delivery."""
    signed_by = " ".join("".join(ch for ch in (signed_by or "") if ch.isprintable()).split())[:64]
    with transaction.atomic():
        locked = _lock(order)
        if not allowed("deliver", locked.status):
            raise DomainError(_("Only a shipped order can be handed over"), OrderErrorCode.INVALID, field="id")
        _refuse_other_drivers_parcel(locked, actor)
        due = locked.total_amount - locked.charged_amount
        if due > 0:
            if not cash_collected:
                raise DomainError(
                    _("Collect %(amount)s in cash first") % {"amount": due},
                    OrderErrorCode.CANNOT_FULFILL_UNPAID_ORDER,
                    field="cashCollected",
                )
            order_cod_collect(locked, actor=actor)
        return order_deliver(
            locked,
            actor=actor,
            source="driver",
            proof_kind="signature" if signed_by else "handed_over",
            proof_text=signed_by,
        )


def order_delivery_failed(order: Order, *, actor, reason: str, note: str = "") -> Order:
    """The driver could not hand the parcel over: each open shipment of the order records the failed
    attempt (the order stays shipped, to be tried again or returned)."""
    if reason not in FAILURE_REASONS:
        raise DomainError(_("Choose why the delivery failed"), OrderErrorCode.REQUIRED, field="reason")
    with transaction.atomic():
        locked = _lock(order)
        if not allowed("deliver", locked.status):
            raise DomainError(_("Only a shipped order can be handed over"), OrderErrorCode.INVALID, field="id")
        _refuse_other_drivers_parcel(locked, actor)
        shipments = [f.shipment for f in locked.fulfillments.select_related("shipment") if f.shipment_id]
        open_ones = [s for s in shipments if s.status not in ("delivered", "returned", "failed_attempt")]
        if not open_ones:
            raise DomainError(_("Nothing of this order is out for delivery"), OrderErrorCode.INVALID, field="id")
        text = f"{reason}: {note.strip()[:200]}" if note.strip() else reason
        for shipment in open_ones:
            if shipment.status == "created":
                shipment_act(shipment, "load_on_run", actor=actor, source="driver")
            shipment_act(shipment, "fail", actor=actor, reason=text, source="driver")
        order_event(locked, OrderEventType.NOTE, user=actor, delivery_failed=reason)
    return locked
