"""Alipay's asynchronous notifications turned into transaction events: idempotent, order-tolerant.

The webhook has verified Alipay's signature before this runs. Alipay sends ``trade_status_sync``
for a payment and for every refund of it (``refund_fee`` is then the trade's refunded total so
far and ``out_biz_no`` the refund's out_request_no), retries until it reads "success", and does
not promise the order of delivery. So each notification is read as the state of the whole trade,
not as a step: the charge is recorded once (CHARGE_SUCCESS keyed by Alipay's trade_no), refunds
by the difference between Alipay's refunded total and ours (keyed by the refund's request
number), so a late, repeated or overtaken notification adds nothing.

Refused (DomainError, nothing written, logged for operators): an app id that is not ours, an
out_trade_no we never issued, an amount other than the one we asked for, a malformed amount.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.payments.error_codes import PaymentErrorCode as Code
from marketplace.payments.gateways.alipay.amounts import AmountError, from_yuan
from marketplace.payments.gateways.alipay.gateway import ALIPAY, PAID, settled_at
from marketplace.payments.models import TransactionEvent, TransactionItem
from marketplace.payments.models import TransactionEventType as T
from marketplace.payments.services.common import _event_record, _locked, notification_claim
from meidu.core.errors import DomainError
from meidu.core.sql.compiled import CompiledQuery

logger = logging.getLogger("meidu.payments.alipay")

APPLIED, REPEATED, IGNORED = "applied", "repeated", "ignored"


@dataclass(frozen=True)
class AlipayNotice:
    """The fields of a notification this service reads (already verified)."""

    notify_id: str
    app_id: str
    out_trade_no: str
    trade_no: str
    trade_status: str
    total_amount: str
    refund_fee: str = ""
    out_biz_no: str = ""
    gmt_payment: str = ""
    gmt_refund: str = ""

    @classmethod
    def of(cls, params: dict[str, str]) -> AlipayNotice:
        return cls(**{name: str(params.get(name) or "") for name in cls.__dataclass_fields__})


def _refuse(notice: AlipayNotice, message: str, code: Code, field: str, reason: str) -> DomainError:
    logger.warning(
        "Refused an Alipay notification %s (out_trade_no %r, status %s): %s",
        notice.notify_id,
        notice.out_trade_no[:64],
        notice.trade_status[:32],
        reason,
    )
    return DomainError(message, code, field=field)


def _amount(notice: AlipayNotice, text: str, field: str) -> Decimal:
    try:
        return from_yuan(text)
    except AmountError:
        raise _refuse(notice, _("Enter a valid amount."), Code.INVALID, field, f"{field} {text[:32]!r}") from None


# Compiled once per process (meidu.core.sql.compiled): every notification looks its transaction up.
_item_of_reference = CompiledQuery(
    lambda psp_reference, gateway: TransactionItem.objects.filter(
        psp_reference=psp_reference, gateway=gateway
    ).order_by("pk")[:1],
    psp_reference=str,
    gateway=str,
)

_charge_events = CompiledQuery(
    lambda item_id: (
        TransactionEvent.objects.filter(item_id=item_id, type__in=[T.CHARGE_REQUEST, T.CHARGE_SUCCESS])
        .only("type", "amount")
        .order_by("pk")
    ),
    item_id=int,
)


def _asked_and_charged(item: TransactionItem) -> tuple[Decimal | None, bool]:
    """What we asked Alipay for (the amount of the item's charge request) and whether the charge is
    already recorded, in one query."""
    asked, charged = None, False
    for event in _charge_events(item_id=item.pk):
        if event.type == T.CHARGE_REQUEST and asked is None:
            asked = event.amount
        charged = charged or event.type == T.CHARGE_SUCCESS
    return asked, charged


def alipay_notification_apply(params: dict[str, str]) -> str:
    """Apply one verified notification: APPLIED (something recorded), REPEATED (nothing new: a replay
    or a notification overtaken by what we already know) or IGNORED (a status that moves no money).

    The notify_id is stored (PaymentNotification) in the same transaction as the effects: a replay of
    the same notification is acknowledged and applies nothing; a refused one leaves no id behind.
    Locks: the PaymentNotification unique index, then the checkout's payment lock, then the item row.
    """
    notice = AlipayNotice.of(params)
    if notice.app_id != settings.ALIPAY_APP_ID:
        raise _refuse(notice, _("This notification is for another merchant."), Code.INVALID, "app_id", "app id")
    total = _amount(notice, notice.total_amount, "total_amount")
    refunded_total = _amount(notice, notice.refund_fee, "refund_fee") if notice.refund_fee else Decimal("0.00")
    if not notice.notify_id or len(notice.notify_id) > 128:
        raise _refuse(notice, _("This notification has no id."), Code.INVALID, "notify_id", "notify_id")
    with transaction.atomic():
        if not notification_claim(ALIPAY, notice.notify_id, notice.trade_status[:64]):
            # a replay: answered at once, before the trade is even looked up
            logger.info("Alipay notification %s received again (replay): acknowledged, not applied", notice.notify_id)
            return REPEATED
        found = _item_of_reference(psp_reference=notice.out_trade_no, gateway=ALIPAY) if notice.out_trade_no else []
        item = found[0] if found else None
        if item is None:  # raising rolls the stored notify_id back: nothing written
            raise _refuse(notice, _("No such payment."), Code.NOT_FOUND, "out_trade_no", "unknown out_trade_no")
        item = _locked(item)
        asked, already_charged = _asked_and_charged(item)
        if asked is None or total != asked:
            raise _refuse(
                notice,
                _("The amount differs from the order."),
                Code.INVALID,
                "total_amount",
                f"total_amount {total} but {asked} was asked",
            )
        if notice.trade_status not in (*PAID, "TRADE_CLOSED"):
            return IGNORED
        created = []
        paid_before_close = notice.trade_status == "TRADE_CLOSED" and refunded_total > 0
        if (notice.trade_status in PAID or paid_before_close) and notice.trade_no:
            if not already_charged:
                _event, new = _event_record(
                    item,
                    T.CHARGE_SUCCESS,
                    total,
                    psp_reference=notice.trade_no,
                    data=settled_at(notice.gmt_payment),
                    known_new=True,  # no CHARGE_SUCCESS at all on the locked item (_asked_and_charged)
                )
                created.append(new)
        if refunded_total > 0:
            delta = min(refunded_total - item.refunded_amount, item.charged_amount - item.refunded_amount)
            if delta > 0:
                reference = notice.out_biz_no or f"{notice.trade_no}:refunded:{refunded_total}"
                _event, new = _event_record(
                    item, T.REFUND_SUCCESS, delta, psp_reference=reference, data=settled_at(notice.gmt_refund)
                )
                created.append(new)
        elif notice.trade_status == "TRADE_CLOSED" and item.charge_pending_amount > 0:
            _event, new = _event_record(
                item,
                T.CHARGE_FAILURE,
                item.charge_pending_amount,
                psp_reference=f"{notice.out_trade_no}:closed",
                message=_("The Alipay payment closed"),
            )
            created.append(new)
        if not any(created):
            # Kept (with its id) so a replay of it is known; it moved nothing: older news than ours.
            logger.info("Alipay notification %s for %s changed nothing (repeat)", notice.notify_id, item.token)
            return REPEATED
        return APPLIED
