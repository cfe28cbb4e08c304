"""Receipts in trading, settlement and financing: lock for a listing or a pledge, unlock, and
transfer ownership (only settlement or financing may, named by a required reason).

A pledge writes its reference (``loan:12``) into the receipt's ``encumbrance``; the receipt keeps it
while it is pledged or being sold under that pledge (a forced sale: pledged -> listed by ``enforce``),
so an unsold receipt whose listing ends goes back to pledged, never to active. Only the pledge's
release or a transfer clears it.

Lock order: the receipt row (SELECT ... FOR UPDATE). Nothing here touches the ledger; settlement
moves funds through magnesium_exchange.members.services in the same outer transaction.
"""

from __future__ import annotations

from enum import Enum

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from magnesium_exchange.members.models import MemberStatus
from magnesium_exchange.warehouses.error_codes import ExchangeReceiptErrorCode as Code
from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus
from magnesium_exchange.warehouses.services.receipt_steps import change_status, check_transition, lock_rows
from meidu.core.errors import DomainError


class ReceiptTransferReason(Enum):
    """Why ownership moves. Only settlement (delivery versus payment) and financing (enforcing a
    pledge) move receipts; there is no free transfer between members."""

    SETTLEMENT = "settlement"
    SETTLEMENT_DEFAULT_RETURN = "settlement_default_return"
    FINANCING_ENFORCEMENT = "financing_enforcement"


class ReceiptLockPurpose(Enum):
    LISTING = "listing"
    PLEDGE = "pledge"
    FORCED_SALE = "forced_sale"  # a pledged receipt listed for sale by the lender enforcing the pledge


_LOCK_ACTIONS = {
    ReceiptLockPurpose.LISTING: "list",
    ReceiptLockPurpose.PLEDGE: "pledge",
    ReceiptLockPurpose.FORCED_SALE: "enforce",
}


def receipt_lock(receipt: Receipt, *, holder, purpose: ReceiptLockPurpose, reference: str, actor=None) -> Receipt:
    """Lock ``holder``'s active receipt for a listing (-> listed; refused inside the resale lock), a
    pledge (-> pledged, encumbered by ``reference``) or a forced sale of a pledged receipt (-> listed, still
    encumbered). Refusals: RECEIPT_NOT_YOURS, RECEIPT_FROZEN / LISTED / PLEDGED, RESALE_LOCKED."""
    if not isinstance(purpose, ReceiptLockPurpose):
        raise DomainError(_("Unknown lock purpose"), Code.INVALID, field="purpose")
    with transaction.atomic():
        (receipt,) = lock_rows([receipt])
        if receipt.holder_id != holder.pk:
            raise DomainError(_("This receipt is not yours"), Code.RECEIPT_NOT_YOURS, field="receipt")
        action = _LOCK_ACTIONS[purpose]
        check_transition(receipt, action)
        if purpose == ReceiptLockPurpose.LISTING and receipt.lock_until and receipt.lock_until > timezone.now():
            raise DomainError(
                _("The receipt cannot be resold before %(time)s")
                % {"time": f"{timezone.localtime(receipt.lock_until):%Y-%m-%d %H:%M}"},
                Code.RESALE_LOCKED,
                field="receipt",
            )
        if purpose == ReceiptLockPurpose.PLEDGE:
            receipt.encumbrance = reference
            return change_status(receipt, action, actor=actor, data={"reference": reference}, fields=("encumbrance",))
        if purpose == ReceiptLockPurpose.FORCED_SALE and not receipt.encumbrance:
            raise DomainError(_("The receipt is not pledged"), Code.INVALID_TRANSITION, field="receipt")
        return change_status(receipt, action, actor=actor, data={"reference": reference})


def receipt_unlock(receipt: Receipt, *, purpose: ReceiptLockPurpose, reference: str, actor=None) -> Receipt:
    """Undo ``receipt_lock``: a withdrawn listing (listed -> active, or back to pledged when the listing
    was a forced sale under a pledge) or a released pledge (pledged -> active, encumbrance cleared)."""
    if not isinstance(purpose, ReceiptLockPurpose):
        raise DomainError(_("Unknown lock purpose"), Code.INVALID, field="purpose")
    with transaction.atomic():
        (receipt,) = lock_rows([receipt])
        if purpose == ReceiptLockPurpose.PLEDGE:
            check_transition(receipt, "unpledge")
            if receipt.encumbrance != reference:
                raise DomainError(
                    _("The receipt is pledged under another reference"), Code.INVALID_TRANSITION, field="receipt"
                )
            receipt.encumbrance = ""
            return change_status(
                receipt, "unpledge", actor=actor, data={"reference": reference}, fields=("encumbrance",)
            )
        return change_status(
            receipt,
            "unlist",
            actor=actor,
            data={"reference": reference},
            to_status=ReceiptStatus.PLEDGED if receipt.encumbrance else None,
        )


def receipt_transfer(
    receipt: Receipt, *, to_member, reason: ReceiptTransferReason, reference: str, lock_until=None, actor=None
) -> Receipt:
    """Move ownership to ``to_member`` (the receipt becomes active for its new holder, with an optional
    resale lock). Only settlement and financing call this: ``reason`` must be a ReceiptTransferReason and
    ``reference`` names the settlement or loan. A listed receipt moves only by settlement, a pledged one
    only by financing enforcement."""
    if not isinstance(reason, ReceiptTransferReason):
        raise DomainError(
            _("Receipts move only through settlement or financing"), Code.INVALID_TRANSFER_REASON, field="reason"
        )
    if not (reference or "").strip():
        raise DomainError(_("A transfer names its settlement or loan"), Code.REQUIRED, field="reference")
    if to_member.status == MemberStatus.CLOSED:
        raise DomainError(_("The new holder is not a member any more"), Code.MEMBER_NOT_ACTIVE, field="toMember")
    with transaction.atomic():
        (receipt,) = lock_rows([receipt])
        check_transition(receipt, "transfer")
        if receipt.status == ReceiptStatus.LISTED and reason != ReceiptTransferReason.SETTLEMENT:
            raise DomainError(_("A listed receipt moves only by settlement"), Code.RECEIPT_LISTED, field="receipt")
        if receipt.status == ReceiptStatus.PLEDGED and reason != ReceiptTransferReason.FINANCING_ENFORCEMENT:
            raise DomainError(
                _("A pledged receipt moves only when the pledge is enforced"), Code.RECEIPT_PLEDGED, field="receipt"
            )
        if receipt.holder_id == to_member.pk:
            raise DomainError(_("The receipt already belongs to this member"), Code.INVALID, field="toMember")
        previous_holder = receipt.holder
        receipt.holder, receipt.lock_until, receipt.encumbrance = to_member, lock_until, ""
        return change_status(
            receipt,
            "transfer",
            actor=actor,
            reason=reason.value,
            fields=("holder", "lock_until", "encumbrance"),
            data={
                "from_holder": previous_holder.credit_code,
                "to_holder": to_member.credit_code,
                "reference": reference.strip(),
            },
        )
