"""Money moving on an existing transaction: charge, cash collected, bank transfer confirmed, refund,
void, reported events."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.payments.error_codes import PaymentErrorCode as Code
from marketplace.payments.gateways import GatewayError
from marketplace.payments.gateways.base import voidable_amount
from marketplace.payments.models import (
    TransactionEvent,
    TransactionItem,
)
from marketplace.payments.models import TransactionEventType as T
from marketplace.payments.services.common import (
    _amount,
    _event_record,
    _gateway_of,
    _locked,
    _record_result,
    checkout_payments_lock,
)
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError, DomainErrors, PermissionDenied
from meidu.core.permissions import PaymentPermissions
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.services.apps import actor_has_permission
from meidu.integrations.services.outbox import webhook_event_emit


def _charge_locked(
    item: TransactionItem,
    gateway,
    amount: Decimal,
    *,
    actor,
    reason: str,
    idempotency_key: str,
    release_remainder: bool,
) -> TransactionEvent:
    if amount > item.authorized_amount:
        raise DomainError(
            _("You cannot charge more than is authorised (%(amount)s).") % {"amount": item.authorized_amount},
            Code.AMOUNT_EXCEEDS_AUTHORIZED,
            field="amount",
        )
    request_event, _created = _event_record(item, T.CHARGE_REQUEST, amount, message=reason, actor=actor)
    try:
        # Provider keys are global to the account: scope the caller's key to this transaction.
        result = gateway.charge(
            item, amount, idempotency_key=f"charge-{item.token}-{idempotency_key or request_event.pk}"
        )
    except GatewayError as exc:
        raise DomainError(str(exc), Code.GATEWAY_ERROR, field="amount") from exc
    event = _record_result(item, result, actor=actor, request_event=request_event)
    if (
        event.type == T.CHARGE_SUCCESS
        and (release_remainder or gateway.capture_releases_remainder)
        and voidable_amount(item) > 0
    ):
        _event_record(
            item, T.CANCEL_SUCCESS, voidable_amount(item), message=_("Rest of the authorisation released"), actor=actor
        )
    return event


def transaction_charge(
    item: TransactionItem,
    amount,
    *,
    actor=None,
    reason: str = "",
    idempotency_key: str = "",
    release_remainder: bool = False,
) -> TransactionEvent:
    """Charge ``amount`` (at most what is authorised), e.g. the actual weight of produce sold by weight.

    ``release_remainder`` voids what stays authorised afterwards (Stripe always does). Returns the
    result event (CHARGE_SUCCESS, or CHARGE_FAILURE when the provider refused). Locks: the item row.
    """
    with transaction.atomic():
        item = _locked(item)
        gateway = _gateway_of(item)
        return _charge_locked(
            item,
            gateway,
            _amount(amount, item.currency),
            actor=actor,
            reason=reason,
            idempotency_key=idempotency_key,
            release_remainder=release_remainder,
        )


def transaction_cod_collect(
    item: TransactionItem,
    *,
    actor,
    amount,
    reason: str = "",
    release_remainder: bool = False,
    collector_verified: bool = False,
) -> TransactionEvent:
    """A driver or station agent confirms cash collected on delivery: charge that much of the authorisation.

    Needs COLLECT_CASH_ON_DELIVERY (drivers, station agents) or HANDLE_PAYMENTS, unless the
    caller has itself checked that ``actor`` may collect for this parcel and says so with
    ``collector_verified=True`` (orders: the clerk of the store that runs the pickup point,
    after the pickup code matched); an anonymous actor is refused either way. A checkout with
    several shops is collected part by part; the rest stays authorised unless
    ``release_remainder``. Locks: the item row.
    """
    if not getattr(actor, "is_authenticated", False) or not (
        collector_verified
        or actor_has_permission(actor, PaymentPermissions.COLLECT_CASH_ON_DELIVERY)
        or actor_has_permission(actor, PaymentPermissions.HANDLE_PAYMENTS)
    ):
        raise PermissionDenied([PaymentPermissions.COLLECT_CASH_ON_DELIVERY, PaymentPermissions.HANDLE_PAYMENTS])
    from marketplace.payments.gateways.cod import CashOnDeliveryGateway

    with transaction.atomic():
        item = _locked(item)
        if item.gateway != CashOnDeliveryGateway.id:
            raise DomainError(_("This payment is not cash on delivery."), Code.INVALID, field="id")
        gateway = _gateway_of(item)
        event = _charge_locked(
            item,
            gateway,
            _amount(amount, item.currency),
            actor=actor,
            reason=reason,
            idempotency_key="",
            release_remainder=release_remainder,
        )
        audit_record(
            "payment.cod_collected", actor=actor, target=item, data={"amount": str(event.amount), "reason": reason}
        )
        return event


def transaction_bank_transfer_confirm(item: TransactionItem, *, actor, amount, reason: str = "") -> TransactionEvent:
    """An operator confirms that ``amount`` of a bank transfer reached the platform's account.

    Needs HANDLE_PAYMENTS; at most what is still pending. Locks: the item row.
    """
    if not actor_has_permission(actor, PaymentPermissions.HANDLE_PAYMENTS):
        raise PermissionDenied([PaymentPermissions.HANDLE_PAYMENTS])
    from marketplace.payments.gateways.bank_transfer import BankTransferGateway

    with transaction.atomic():
        item = _locked(item)
        if item.gateway != BankTransferGateway.id:
            raise DomainError(_("This payment is not a bank transfer."), Code.INVALID, field="id")
        amount = _amount(amount, item.currency)
        if amount > item.charge_pending_amount:
            raise DomainError(
                _("You cannot confirm more than is awaited (%(amount)s).") % {"amount": item.charge_pending_amount},
                Code.INVALID,
                field="amount",
            )
        gateway = _gateway_of(item)
        result = gateway.charge(item, amount)
        event = _record_result(item, result, actor=actor)
        if reason:
            event.message = reason[:512]
            event.save(update_fields=["message"])
        audit_record(
            "payment.bank_transfer_confirmed", actor=actor, target=item, data={"amount": str(amount), "reason": reason}
        )
        return event


def _refund_locked(
    item: TransactionItem, gateway, amount: Decimal, *, actor, reason: str, idempotency_key: str
) -> TransactionEvent:
    if idempotency_key:
        previous = (
            item.events.filter(type=T.REFUND_REQUEST, data__idempotency_key=idempotency_key).order_by("pk").first()
        )
        if previous is not None:
            if previous.amount != amount:
                raise DomainError(
                    _("This idempotency key was already used with a different amount."),
                    Code.UNIQUE,
                    field="idempotencyKey",
                )
            return item.events.filter(data__idempotency_key=idempotency_key).order_by("-pk").first()
    refundable = item.charged_amount - item.refunded_amount - item.refund_pending_amount
    if amount > refundable:
        raise DomainError(
            _("You cannot refund more than was charged and not yet refunded (%(amount)s).") % {"amount": refundable},
            Code.AMOUNT_EXCEEDS_CHARGED,
            field="amount",
        )
    key_data = {"idempotency_key": idempotency_key} if idempotency_key else {}
    request_event, _created = _event_record(item, T.REFUND_REQUEST, amount, message=reason, data=key_data, actor=actor)
    try:
        result = gateway.refund(
            item, amount, idempotency_key=f"refund-{item.token}-{idempotency_key or request_event.pk}"
        )
    except GatewayError as exc:
        raise DomainError(str(exc), Code.GATEWAY_ERROR, field="amount") from exc
    event = _record_result(item, result, actor=actor, request_event=request_event, extra_data=key_data)
    if event.type != T.REFUND_FAILURE:
        webhook_event_emit(
            WebhookEventType.REFUND_CREATED,
            {
                "transaction": str(item.token),
                "checkoutToken": str(item.checkout_token),
                "gateway": item.gateway,
                "amount": str(amount),
                "currency": item.currency,
                "pspReference": event.psp_reference,
                "status": event.type,
                "reason": reason,
            },
        )
        audit_record(
            "payment.refunded",
            actor=actor,
            target=item,
            data={"amount": str(amount), "status": event.type, "reason": reason},
        )
    return event


def transaction_refund(
    item: TransactionItem, amount, *, actor=None, reason: str = "", idempotency_key: str = ""
) -> TransactionEvent:
    """Give back ``amount`` of what was charged; refused with AMOUNT_EXCEEDS_CHARGED above charged − refunded − pending.

    The same ``idempotency_key`` returns the first refund's event (another amount: UNIQUE).
    Emits REFUND_CREATED. Returns REFUND_SUCCESS, REFUND_REQUEST (the provider settles later)
    or REFUND_FAILURE. Locks: the item row.
    """
    with transaction.atomic():
        item = _locked(item)
        gateway = _gateway_of(item)
        return _refund_locked(
            item, gateway, _amount(amount, item.currency), actor=actor, reason=reason, idempotency_key=idempotency_key
        )


def _cancel_locked(item: TransactionItem, gateway, *, actor, reason: str) -> TransactionEvent | None:
    voidable = voidable_amount(item)
    if voidable <= 0:
        return None
    request_event, _created = _event_record(item, T.CANCEL_REQUEST, voidable, message=reason, actor=actor)
    try:
        result = gateway.cancel(item)
    except GatewayError as exc:
        raise DomainError(str(exc), Code.GATEWAY_ERROR, field="id") from exc
    return _record_result(item, result, actor=actor, request_event=request_event)


def transaction_cancel(item: TransactionItem, *, actor=None, reason: str = "") -> TransactionEvent | None:
    """Void what is authorised and not charged (and anything pending). None when there is nothing to void.
    Locks: the item row."""
    with transaction.atomic():
        item = _locked(item)
        return _cancel_locked(item, _gateway_of(item), actor=actor, reason=reason)


def transaction_cancel_amount(
    item: TransactionItem, amount, *, actor=None, reason: str = ""
) -> TransactionEvent | None:
    """Void part of what is authorised (an order cancelled or weighed lighter); all of it cancels the payment.

    Cash on delivery, bank transfer and the offline gateway release any part; Stripe cannot
    release part of a hold (it releases the rest at capture), so a partial void there is refused
    with NOT_SUPPORTED. Locks: the item row.
    """
    with transaction.atomic():
        item = _locked(item)
        gateway = _gateway_of(item)
        amount = _amount(amount, item.currency)
        voidable = voidable_amount(item)
        if amount > voidable:
            raise DomainError(
                _("You cannot void more than is authorised (%(amount)s).") % {"amount": voidable},
                Code.AMOUNT_EXCEEDS_AUTHORIZED,
                field="amount",
            )
        if amount == voidable:
            return _cancel_locked(item, gateway, actor=actor, reason=reason)
        cancel_partial = getattr(gateway, "cancel_partial", None)
        if cancel_partial is None or amount > item.authorized_amount:
            raise DomainError(
                _("This payment method can only release the whole authorisation."), Code.NOT_SUPPORTED, field="amount"
            )
        request_event, _created = _event_record(item, T.CANCEL_REQUEST, amount, message=reason, actor=actor)
        try:
            result = cancel_partial(item, amount)
        except GatewayError as exc:
            raise DomainError(str(exc), Code.GATEWAY_ERROR, field="amount") from exc
        return _record_result(item, result, actor=actor, request_event=request_event)


def checkout_transactions_refund_or_void(
    checkout_token, reason: str = "", *, actor=None, attempt: str = ""
) -> list[TransactionEvent]:
    """Give back everything paid for a checkout (e.g. allocation failed after payment): refund what is
    charged, void what is authorised, item by item.

    Each item is settled in its own (nested) transaction, so one provider refusing does not undo
    the others; refusals are raised together afterwards as DomainErrors. Locks: the items by pk
    (the caller may hold the checkout row). The refund's idempotency key is the same for every
    call with the same ``attempt``: a retry whose first answer was lost cannot refund twice. A
    caller retrying after a *refusal* passes a new ``attempt``, because a provider replays the
    answer saved under a key (Stripe: for 24 hours, refusals included).
    """
    events, errors = [], []
    pks = list(
        TransactionItem.objects.filter(checkout_token=checkout_token).order_by("pk").values_list("pk", flat=True)
    )
    for pk in pks:
        try:
            with transaction.atomic():
                checkout_payments_lock(checkout_token)
                item = TransactionItem.objects.select_for_update().get(pk=pk)
                gateway = _gateway_of(item)
                refundable = item.charged_amount - item.refunded_amount - item.refund_pending_amount
                if refundable > 0:
                    events.append(
                        _refund_locked(
                            item,
                            gateway,
                            refundable,
                            actor=actor,
                            reason=reason,
                            idempotency_key=f"checkout-refund-{item.token}-{item.charged_amount}"
                            + (f"-{attempt}" if attempt else ""),
                        )
                    )
                cancel_event = _cancel_locked(item, gateway, actor=actor, reason=reason)
                if cancel_event is not None:
                    events.append(cancel_event)
        except DomainError as exc:
            errors.extend(exc.as_list())
    if errors:
        raise DomainErrors(errors)
    return events


# --- provider reports (webhooks) ------------------------------------------------------------------------------


def transaction_event_report(
    item: TransactionItem, type_: str, amount, *, psp_reference: str, message: str = "", actor=None
) -> tuple[TransactionEvent, bool]:
    """A provider reports an outcome (Saleor's transactionEventReport): recorded once per (type, PSP reference).

    Returns (event, created); an already recorded report changes nothing. Locks: the item row.
    """
    if type_ not in T.values:
        raise DomainError(_("Unknown event type."), Code.INVALID, field="type")
    with transaction.atomic():
        item = _locked(item)
        if type_ == T.CANCEL_SUCCESS and amount is None:
            amount = voidable_amount(item)
        return _event_record(
            item, type_, Decimal(amount or 0), psp_reference=psp_reference, message=message, actor=actor
        )
