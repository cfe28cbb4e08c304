"""Create shipments and move them through their named actions, each step an event.

Lock order: the shipment row (`select_for_update`) is the only lock a step takes; callers that also
lock an order (the marketplace's hand-over and pickup) lock the order first, then the shipment."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meidu.core.errors import DomainError
from meidu.core.sql.bulk import bulk_insert
from meidu.core.sql.compiled import CompiledQuery

from . import hooks
from .error_codes import ShipmentErrorCode
from .models import Carrier, Parcel, ProofKind, Shipment, ShipmentEvent, ShipmentStatus
from .state import allowed, target

MAX_PARCELS = 50
MAX_PARCEL_KG = Decimal("1000")


@dataclass(frozen=True)
class ParcelSpec:
    weight_kg: Decimal
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None


def _weight(value) -> Decimal:
    try:
        weight = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        weight = Decimal("NaN")
    if not weight.is_finite() or weight <= 0 or weight > MAX_PARCEL_KG:
        raise DomainError(
            _("A parcel weighs more than 0 and at most %(max)s kg") % {"max": MAX_PARCEL_KG},
            ShipmentErrorCode.INVALID,
            field="parcels",
        )
    return weight.quantize(Decimal("0.001"))


def _size(value) -> int | None:
    if value in (None, ""):
        return None
    if not isinstance(value, int) or not 0 < value <= 500:
        raise DomainError(_("A parcel's sides are 1 to 500 cm"), ShipmentErrorCode.INVALID, field="parcels")
    return value


def _number() -> str:
    return "MD" + "".join(secrets.choice("0123456789") for _ in range(12))


def shipment_create(
    *,
    reference: str,
    carrier: str,
    parcels: list[ParcelSpec],
    actor=None,
    destination: str = "",
    village_id: int | None = None,
    recipient_name: str = "",
    recipient_phone: str = "",
    cash_to_collect: Decimal = Decimal("0"),
    currency: str = "CNY",
    carrier_code: str = "",
    tracking_number: str = "",
    source: str = "staff",
) -> Shipment:
    """A new shipment in CREATED with its parcels and its first event."""
    if carrier not in Carrier.values:
        raise DomainError(_("Unknown carrier"), ShipmentErrorCode.INVALID, field="carrier")
    if not parcels or len(parcels) > MAX_PARCELS:
        raise DomainError(
            _("A shipment has 1 to %(max)s parcels") % {"max": MAX_PARCELS}, ShipmentErrorCode.REQUIRED, field="parcels"
        )
    rows = [
        Parcel(
            weight_kg=_weight(p.weight_kg),
            length_cm=_size(p.length_cm),
            width_cm=_size(p.width_cm),
            height_cm=_size(p.height_cm),
        )
        for p in parcels
    ]
    if cash_to_collect < 0:
        raise DomainError(_("Cash to collect cannot be negative"), ShipmentErrorCode.INVALID, field="cashToCollect")
    with transaction.atomic():
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    shipment = Shipment.objects.create(
                        number=_number(),
                        reference=reference[:64],
                        carrier=carrier,
                        carrier_code=carrier_code[:16],
                        tracking_number=tracking_number[:40],
                        destination=destination[:255],
                        village_id=village_id,
                        recipient_name=recipient_name[:64],
                        recipient_phone=recipient_phone[:32],
                        cash_to_collect=cash_to_collect,
                        currency=currency,
                        weight_kg=sum((r.weight_kg for r in rows), Decimal("0")),
                    )
                break
            except IntegrityError:  # the twelve random digits met another shipment's: draw again
                continue
        else:
            raise DomainError(_("Try again"), ShipmentErrorCode.INVALID)
        for row in rows:
            row.shipment = shipment
        Parcel.objects.bulk_create(rows)
        event = ShipmentEvent.objects.create(
            shipment=shipment,
            action="create",
            status=ShipmentStatus.CREATED,
            actor=actor if getattr(actor, "pk", None) else None,
            source=source,
            happened_at=timezone.now(),
        )
        hooks.shipment_changed.send(shipment, event)
    return shipment


def shipment_act(
    shipment: Shipment,
    action: str,
    *,
    actor=None,
    reason: str = "",
    location: str = "",
    proof_kind: str = "",
    proof_text: str = "",
    happened_at: datetime | None = None,
    source: str = "staff",
    external_id: str = "",
) -> ShipmentEvent:
    """Move the shipment by a named action; refused (nothing written) when the action does not start
    from its status. `fail` needs a reason; `deliver` records its proof."""
    if action == "fail" and not reason.strip():
        raise DomainError(_("Say why the delivery failed"), ShipmentErrorCode.REQUIRED, field="reason")
    if proof_kind and proof_kind not in ProofKind.values:
        raise DomainError(_("Unknown proof of delivery"), ShipmentErrorCode.INVALID, field="proofKind")
    if action == "deliver" and proof_kind == ProofKind.SIGNATURE and not proof_text.strip():
        raise DomainError(_("Write the name of who signed"), ShipmentErrorCode.REQUIRED, field="proofText")
    with transaction.atomic():
        locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if not allowed(action, locked.status):
            raise DomainError(
                _("This step does not follow the shipment's current status (%(status)s)")
                % {"status": ShipmentStatus(locked.status).label},
                ShipmentErrorCode.TRANSITION_NOT_ALLOWED,
                field="action",
            )
        new_status = target(action)
        locked.status = new_status
        fields = ["status", "updated_at"]
        if action == "fail":
            locked.failed_attempts += 1
            fields.append("failed_attempts")
        if action == "deliver":
            locked.delivered_at = happened_at or timezone.now()
            locked.proof_kind = proof_kind or ProofKind.HANDED_OVER
            locked.proof_text = proof_text.strip()[:64]
            fields += ["delivered_at", "proof_kind", "proof_text"]
        locked.save(update_fields=fields)
        event = ShipmentEvent.objects.create(
            shipment=locked,
            action=action,
            status=new_status,
            reason=reason.strip()[:255],
            location=location[:128],
            source=source,
            actor=actor if getattr(actor, "pk", None) else None,
            happened_at=happened_at or timezone.now(),
            external_id=external_id[:64],
        )
        hooks.shipment_changed.send(locked, event)
    shipment.status, shipment.failed_attempts = locked.status, locked.failed_attempts
    return event


def shipment_scan(
    shipment: Shipment,
    *,
    reported_status: str,
    location: str = "",
    note: str = "",
    happened_at: datetime | None = None,
    source: str = "carrier",
    external_id: str = "",
) -> ShipmentEvent:
    """A scan for the history that does not move the shipment: the same status again somewhere else, or a
    late scan of an earlier step (kept with the status it reported, at the time it happened)."""
    if reported_status not in ShipmentStatus.values:
        raise DomainError(_("Unknown status"), ShipmentErrorCode.INVALID, field="status")
    with transaction.atomic():
        locked = _shipment_for_update(pk=shipment.pk)
        if not locked:
            raise Shipment.DoesNotExist(f"shipment {shipment.pk} is gone")
        # Most carrier pushes end here (hundreds a second): the lock's SELECT and the INSERT are built
        # once per process (CompiledQuery, bulk_insert), not per scan.
        event = ShipmentEvent(
            shipment=locked[0],
            action="scan",
            status=reported_status,
            reason=note[:255],
            location=location[:128],
            source=source,
            happened_at=happened_at or timezone.now(),
            external_id=external_id[:64],
        )
        return bulk_insert([event])[0]


_shipment_for_update = CompiledQuery(lambda pk: Shipment.objects.select_for_update().filter(pk=pk), pk=int)
