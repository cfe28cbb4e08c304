"""WeChat Pay's notifications (already verified and decrypted by the webhook) turned into transaction events.

Idempotent and tolerant of order: the notification id is stored in the same transaction as its
effects (a repeat changes nothing), every resulting event is unique per (type, PSP reference),
and a payment that the return page already recorded is not recorded again. A refund notice that
arrives before the payment it refunds is refused (AMOUNT_EXCEEDS_CHARGED) and WeChat Pay's retry
applies it once the payment is in. Every refusal rolls back everything, the notification id too.

Locks: the PaymentNotification unique index, then the checkout payment lock and the item row.
"""

from __future__ import annotations

import logging
import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.payments.error_codes import PaymentErrorCode as Code
from marketplace.payments.gateways.wechatpay.amounts import from_fen
from marketplace.payments.models import TransactionEventType as T
from marketplace.payments.models import TransactionItem
from marketplace.payments.services.common import _event_record, _locked, notification_claim, reported_event
from meidu.core.errors import DomainError
from meidu.core.sql.compiled import CompiledQuery

logger = logging.getLogger("meidu.payments.wechatpay")

WECHATPAY = "meidu.payments.wechatpay"
REFUND_EVENTS = {
    "REFUND.SUCCESS": T.REFUND_SUCCESS,
    "REFUND.ABNORMAL": T.REFUND_FAILURE,
    "REFUND.CLOSED": T.REFUND_FAILURE,
}


# Compiled once per process (meidu.core.sql.compiled): every notification looks its transaction up.
_item_of_token = CompiledQuery(
    lambda token, gateway: TransactionItem.objects.filter(token=token, gateway=gateway).order_by("pk")[:1],
    token=uuid.UUID,
    gateway=str,
)


def _item(resource: dict, mchid: str) -> TransactionItem:
    if str(resource.get("mchid") or mchid) != mchid:
        raise DomainError(_("The notification is for another merchant."), Code.INVALID, field="mchid")
    try:
        token = uuid.UUID(hex=str(resource.get("out_trade_no") or ""))
    except ValueError:
        raise DomainError(_("Unknown transaction."), Code.NOT_FOUND, field="out_trade_no") from None
    found = _item_of_token(token=token, gateway=WECHATPAY)
    if not found:
        raise DomainError(_("Unknown transaction."), Code.NOT_FOUND, field="out_trade_no")
    return found[0]


def _amount(value, field: str):
    try:
        return from_fen(value)
    except ValueError:
        raise DomainError(_("Enter a valid amount."), Code.INVALID, field=field) from None


def _payment(item: TransactionItem, resource: dict) -> None:
    reference = str(resource.get("transaction_id") or "")
    if resource.get("trade_state") != "SUCCESS" or not reference:
        return
    paid = _amount((resource.get("amount") or {}).get("total"), "amount")
    if reported_event(item, T.CHARGE_SUCCESS, reference) is not None:
        return  # the return page (or an earlier notification) recorded it already
    if paid != item.charge_pending_amount:
        raise DomainError(
            _("The amount paid (%(paid)s) differs from the order's (%(due)s).")
            % {"paid": paid, "due": item.charge_pending_amount},
            Code.AMOUNT_MISMATCH,
            field="amount",
        )
    _event_record(
        item,
        T.CHARGE_SUCCESS,
        paid,
        psp_reference=reference,
        data={"settledAt": resource.get("success_time") or ""},
        known_new=True,  # looked for above, under the item's lock
    )


def _refund(item: TransactionItem, event_type: str, resource: dict) -> None:
    reference = str(resource.get("refund_id") or "")
    if not reference:
        raise DomainError(_("The refund notification has no refund id."), Code.INVALID, field="refund_id")
    amount = _amount((resource.get("amount") or {}).get("refund"), "amount")
    type_ = REFUND_EVENTS[event_type]
    if reported_event(item, type_, reference) is not None:
        return
    if type_ == T.REFUND_SUCCESS:
        requested = item.events.filter(type=T.REFUND_REQUEST, psp_reference=reference).exists()
        room = item.charged_amount - item.refunded_amount - (0 if requested else item.refund_pending_amount)
        if amount > room:
            raise DomainError(
                _("You cannot refund more than was charged and not yet refunded (%(amount)s).") % {"amount": room},
                Code.AMOUNT_EXCEEDS_CHARGED,
                field="amount",
            )
    _event_record(
        item,
        type_,
        amount,
        psp_reference=reference,
        data={"settledAt": resource.get("success_time") or ""},
        known_new=True,  # looked for above, under the item's lock
    )


def wechatpay_notification_handle(*, notification_id: str, event_type: str, resource: dict, mchid: str) -> bool:
    """Apply one verified, decrypted WeChat Pay notification; False for a repeat (nothing changes).

    Raises DomainError (NOT_FOUND unknown transaction, AMOUNT_MISMATCH, AMOUNT_EXCEEDS_CHARGED,
    INVALID) with nothing written. Locks: see the module docstring.
    """
    if not notification_id or len(notification_id) > 128:
        raise DomainError(_("The notification has no valid id."), Code.INVALID, field="id")
    with transaction.atomic():
        if not notification_claim(WECHATPAY, notification_id, event_type[:64]):
            return False
        if event_type == "TRANSACTION.SUCCESS":
            item = _locked(_item(resource, mchid))
            _payment(item, resource)
        elif event_type in REFUND_EVENTS:
            item = _locked(_item(resource, mchid))
            _refund(item, event_type, resource)
        return True
