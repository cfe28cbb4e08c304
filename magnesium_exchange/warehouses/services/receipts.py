"""Receipt lifecycle: issue against an inbound ticket, split into parts, merge into one.

Every change is a signed event on the receipt's hash chain (services.chain) and a webhook through
the outbox, in the same transaction. Tonnes are conserved: a split's parts sum to the parent and a
merge sums its sources (tests/magnesium_exchange/warehouses).

Lock order: the inbound ticket row or the receipt rows (SELECT ... FOR UPDATE, ascending id) first,
then the warehouse row (its receipt counter). Nothing here touches the ledger.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from magnesium_exchange.members.models import MemberStatus
from magnesium_exchange.warehouses.error_codes import ExchangeReceiptErrorCode as Code
from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus, TicketDirection, WeighbridgeTicket
from magnesium_exchange.warehouses.services.receipt_steps import (
    announce_issued,
    change_status,
    check_transition,
    lock_rows,
    new_part,
    next_receipt_number,
)
from magnesium_exchange.warehouses.services.tickets import tonnes_clean
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError


def receipt_issue(
    ticket: WeighbridgeTicket,
    *,
    packaging: str = "",
    pieces: int | None = None,
    marks: str = "",
    location: str = "",
    loss_standard: str = "",
    storage_fee_terms: str = "",
    storage_until=None,
    insured_value=None,
    insurer: str = "",
    insurance_policy_no: str = "",
    insurance_until=None,
    issue_place: str = "",
    actor=None,
) -> Receipt:
    """Issue the one receipt an inbound ticket backs (a second is refused: no duplicate receipts for a lot).
    The depositor becomes the holder; the first event signs every element."""
    if insured_value is not None:
        insured_value = Decimal(str(insured_value)).quantize(Decimal("0.01"))
        if insured_value < 0:
            raise DomainError(_("The insured value cannot be negative"), Code.INVALID, field="insuredValue")
    with transaction.atomic():
        ticket = (
            WeighbridgeTicket.objects.select_for_update(of=("self",))
            .select_related("warehouse", "depositor", "grade", "commodity")
            .get(pk=ticket.pk)
        )
        if ticket.direction != TicketDirection.INBOUND:
            raise DomainError(
                _("Receipts are issued against inbound tickets"), Code.WRONG_TICKET_DIRECTION, field="ticket"
            )
        if Receipt.objects.filter(inbound_ticket=ticket).exists():
            raise DomainError(
                _("A receipt was already issued for this ticket"), Code.TICKET_ALREADY_USED, field="ticket"
            )
        if ticket.depositor is None or ticket.depositor.status != MemberStatus.ACTIVE:
            raise DomainError(_("The depositor is not an active member"), Code.MEMBER_NOT_ACTIVE, field="ticket")
        warehouse = ticket.warehouse
        if not warehouse.is_active:
            raise DomainError(_("The warehouse is not active"), Code.WAREHOUSE_INACTIVE, field="ticket")
        now = timezone.now()
        receipt = Receipt.objects.create(
            number=next_receipt_number(warehouse),
            warehouse=warehouse,
            commodity=ticket.commodity,
            grade=ticket.grade,
            spec=ticket.assay,
            quantity=ticket.net,
            depositor=ticket.depositor,
            holder=ticket.depositor,
            packaging=packaging.strip(),
            pieces=pieces,
            marks=marks.strip(),
            location=location.strip(),
            lot_no=ticket.lot_no,
            inspection_ref=ticket.inspection_ref,
            loss_standard=loss_standard.strip() or f"损耗不超过 {warehouse.loss_tolerance_percent}%",
            storage_fee_terms=storage_fee_terms.strip() or warehouse.default_storage_fee_terms,
            storage_start=timezone.localdate(),
            storage_until=storage_until,
            insured_value=insured_value,
            insurer=insurer.strip(),
            insurance_policy_no=insurance_policy_no.strip(),
            insurance_until=insurance_until,
            issue_place=issue_place.strip() or warehouse.address,
            keeper=warehouse.keeper_name,
            issued_at=now,
            inbound_ticket=ticket,
        )
        announce_issued(
            receipt,
            "issued",
            actor=actor,
            data={
                "inbound_ticket": {
                    "number": ticket.number,
                    "gross": str(ticket.gross),
                    "tare": str(ticket.tare),
                    "net": str(ticket.net),
                    "assay": ticket.assay,
                    "weighed_at": ticket.weighed_at.isoformat(),
                }
            },
        )
        audit_record(
            "exchange.receipt_issued",
            actor=actor,
            target=receipt,
            data={"number": receipt.number, "quantity": str(receipt.quantity)},
        )
    return receipt


# --- split and merge ------------------------------------------------------------------------

# The refusal of a merge whose receipts differ in one of these.
_MERGE_MISMATCHES = {
    "warehouse_id": gettext_lazy("Only receipts of the same warehouse can be merged"),
    "commodity_id": gettext_lazy("Only receipts of the same commodity can be merged"),
    "grade_id": gettext_lazy("Only receipts of the same grade can be merged"),
    "holder_id": gettext_lazy("Only receipts of the same holder can be merged"),
}


def receipt_split(receipt: Receipt, quantities: list, *, actor=None) -> list[Receipt]:
    """Replace a receipt by parts whose quantities sum exactly to it (SPLIT_QUANTITIES_MISMATCH otherwise).
    The parts keep the holder, the status (active, or listed for a partial pick) and the resale lock."""
    parts = [tonnes_clean(quantity, "quantities") for quantity in quantities or []]
    if len(parts) < 2 or any(part <= 0 for part in parts):
        raise DomainError(
            _("A split needs at least two positive quantities"), Code.INVALID_QUANTITY, field="quantities"
        )
    with transaction.atomic():
        (receipt,) = lock_rows([receipt])
        status = receipt.status
        check_transition(receipt, "split")
        if sum(parts) != receipt.quantity:
            raise DomainError(
                _("The parts sum to %(parts)s t, the receipt holds %(quantity)s t")
                % {"parts": sum(parts), "quantity": receipt.quantity},
                Code.SPLIT_QUANTITIES_MISMATCH,
                field="quantities",
            )
        children = [new_part(receipt, quantity=part, status=status, split_from=receipt) for part in parts]
        change_status(
            receipt,
            "split",
            actor=actor,
            data={"parts": [{"number": c.number, "quantity": str(c.quantity)} for c in children]},
        )
        for child in children:
            announce_issued(
                child,
                "issued_from_split",
                actor=actor,
                data={"sources": [{"number": receipt.number, "hash": receipt.last_hash}]},
            )
    return children


def receipt_merge(receipts: list[Receipt], *, actor=None) -> Receipt:
    """Replace active receipts of one holder, warehouse, commodity and grade by one receipt of their sum."""
    if len({receipt.pk for receipt in receipts}) < 2 or len({receipt.pk for receipt in receipts}) != len(receipts):
        raise DomainError(_("A merge needs at least two different receipts"), Code.INVALID, field="receipts")
    with transaction.atomic():
        locked = lock_rows(receipts)
        for receipt in locked:
            check_transition(receipt, "merge")
        first = locked[0]
        for key in ("warehouse_id", "commodity_id", "grade_id", "holder_id"):
            if len({getattr(receipt, key) for receipt in locked}) != 1:
                raise DomainError(_MERGE_MISMATCHES[key], Code.MERGE_MISMATCH, field="receipts")
        total = sum((receipt.quantity for receipt in locked), Decimal(0))
        locks = [receipt.lock_until for receipt in locked if receipt.lock_until]
        insured = [receipt.insured_value for receipt in locked]
        merged = new_part(
            first,
            quantity=total,
            status=ReceiptStatus.ACTIVE,
            spec={},
            depositor=first.depositor if len({r.depositor_id for r in locked}) == 1 else first.holder,
            lock_until=max(locks) if locks else None,
            pieces=sum(r.pieces for r in locked) if all(r.pieces is not None for r in locked) else None,
            insured_value=sum(insured, Decimal(0)) if all(value is not None for value in insured) else None,
        )
        sources = []
        for receipt in locked:
            receipt.merged_into = merged
            change_status(receipt, "merge", actor=actor, data={"merged_into": merged.number}, fields=("merged_into",))
            sources.append(
                {
                    "number": receipt.number,
                    "hash": receipt.last_hash,
                    "quantity": str(receipt.quantity),
                    "spec": receipt.spec,
                }
            )
        announce_issued(merged, "issued_from_merge", actor=actor, data={"sources": sources})
    return merged
