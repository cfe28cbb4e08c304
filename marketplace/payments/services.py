"""Every write of payments: start, process, charge, refund and void transactions, record events.

Lock order (the same on every path, so two paths never wait on each other in a cycle):
checkout row (taken by the caller when relevant, e.g. checkoutComplete) → the checkout's
payment lock (``checkout_payments_lock``: a transaction-scoped advisory lock on the
checkout token, since the checkout row is gone once orders exist) → transaction items of
the checkout, by pk, FOR UPDATE. A caller that also locks orders of the checkout takes
``checkout_payments_lock`` before them, because hooks (orders' paid status) run with the
item locked. A service that changes an item always takes both locks first and records
events only under them, so two refunds cannot both pass the "not above what was charged"
check, and a webhook and a staff action serialise.

Gateways are called with the item row locked and inside the transaction: a refusal or a
network error rolls everything back (nothing written), and a gateway call that succeeded
but whose commit then failed is repaired by the provider's webhook (Stripe) or by the
idempotency key on the retry.

Amounts move only through ``_event_record``: one event, its effect on the item's amounts,
then ``hooks.transaction_changed_notify`` in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from marketplace.payments.error_codes import PaymentErrorCode as Code
from marketplace.payments.gateways import GatewayError, gateway_get
from marketplace.payments.gateways.base import voidable_amount
from marketplace.payments.hooks import transaction_changed_notify
from marketplace.payments.models import TransactionAction, TransactionEvent, TransactionEventType as T, TransactionItem
from marketplace.payments.selectors import (  # noqa: F401  (re-exported: the services' public surface)
    checkout_authorize_status,
    checkout_charge_status,
    checkout_payment_totals,
    gateway_requires_payment_before_order,
    payment_gateways_available,
    transactions_for_checkout,
)
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError, DomainErrors, PermissionDenied
from meidu.core.money import is_quantized, quantize, to_decimal
from meidu.core.permissions import PaymentPermissions
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.services.apps import actor_has_permission
from meidu.integrations.services.outbox import webhook_event_emit

MAX_IDEMPOTENCY_KEY = 255
REQUEST_OF = {TransactionAction.CHARGE: T.CHARGE_REQUEST, TransactionAction.AUTHORIZATION: T.AUTHORIZATION_REQUEST}
FAILURE_OF = {TransactionAction.CHARGE: T.CHARGE_FAILURE, TransactionAction.AUTHORIZATION: T.AUTHORIZATION_FAILURE}
PENDING_RESULTS = {T.CHARGE_REQUEST, T.AUTHORIZATION_REQUEST, T.REFUND_REQUEST, T.CANCEL_REQUEST}


@dataclass
class GatewayConfig:
    """One answer of paymentGatewayInitialize."""

    id: str
    data: dict | None = None
    errors: list[DomainError] = field(default_factory=list)


@dataclass
class TransactionOutcome:
    """What transactionInitialize / transactionProcess return."""

    item: TransactionItem
    event: TransactionEvent | None
    data: dict | None


# --- helpers -------------------------------------------------------------------------------------------------


def _checkout_source(checkout_token):
    from marketplace.checkout.selectors import checkout_payment_source

    return checkout_payment_source(checkout_token)


def _who(actor) -> dict:
    """created_by / app of an event from whoever acts (a user, an app, or None for the system)."""
    from meidu.integrations.models import App

    if isinstance(actor, App):
        return {"created_by": None, "app": actor}
    if actor is not None and getattr(actor, "is_authenticated", False):
        return {"created_by": actor, "app": None}
    return {"created_by": None, "app": None}


def _amount(value, currency: str, field: str = "amount") -> Decimal:
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError):
        raise DomainError(_("Enter a valid amount."), Code.INVALID, field=field) from None
    if amount <= 0:
        raise DomainError(_("The amount must be greater than zero."), Code.INVALID, field=field)
    if not is_quantized(amount, currency):
        raise DomainError(_("The amount has more decimal places than %(currency)s allows.") % {"currency": currency},
                          Code.INVALID, field=field)
    return amount


PAYMENT_LOCK_NAMESPACE = 0x5041594D  # "PAYM": keeps these advisory keys apart from any other use


def checkout_payments_lock(checkout_token) -> None:
    """Serialise payment writes of one checkout until the end of the current transaction.

    Re-entrant within a transaction; call it inside ``transaction.atomic()``. Orders call it
    before locking a checkout's orders when they will move money (see the module docstring).
    """
    key = int.from_bytes(uuid.UUID(str(checkout_token)).bytes[:4], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [PAYMENT_LOCK_NAMESPACE, key])


def _locked(item: TransactionItem) -> TransactionItem:
    checkout_payments_lock(item.checkout_token)
    return TransactionItem.objects.select_for_update().get(pk=item.pk)


def _gateway_of(item: TransactionItem):
    gateway = gateway_get(item.gateway)
    if gateway is None:
        raise DomainError(_("The payment method of this transaction is not available."), Code.NOT_FOUND, field="id")
    return gateway


def _fingerprint(**request) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def _decrease(item: TransactionItem, name: str, amount: Decimal) -> None:
    setattr(item, name, max(Decimal(0), getattr(item, name) - amount))


def _apply(item: TransactionItem, type_: str, amount: Decimal) -> None:
    """Move the item's amounts for one event (Saleor's recalculation, done incrementally)."""
    if type_ == T.AUTHORIZATION_REQUEST:
        item.authorize_pending_amount += amount
    elif type_ == T.AUTHORIZATION_SUCCESS:
        item.authorized_amount += amount
        _decrease(item, "authorize_pending_amount", amount)
    elif type_ == T.AUTHORIZATION_FAILURE:
        _decrease(item, "authorize_pending_amount", amount)
    elif type_ == T.CHARGE_REQUEST:
        item.charge_pending_amount += amount
    elif type_ == T.CHARGE_SUCCESS:
        item.charged_amount += amount
        _decrease(item, "charge_pending_amount", amount)
        _decrease(item, "authorized_amount", amount)  # a capture turns authorised money into charged money
    elif type_ == T.CHARGE_FAILURE:
        _decrease(item, "charge_pending_amount", amount)
    elif type_ == T.REFUND_REQUEST:
        item.refund_pending_amount += amount
    elif type_ == T.REFUND_SUCCESS:
        item.refunded_amount += amount
        _decrease(item, "refund_pending_amount", amount)
    elif type_ == T.REFUND_FAILURE:
        _decrease(item, "refund_pending_amount", amount)
    elif type_ == T.CANCEL_SUCCESS:
        # Voids the authorisation first, then what is pending; a full void (voidable_amount) empties all three.
        item.canceled_amount += amount
        left = amount
        for name in ("authorized_amount", "authorize_pending_amount", "charge_pending_amount"):
            take = min(getattr(item, name), left)
            setattr(item, name, getattr(item, name) - take)
            left -= take


AMOUNT_FIELDS = ["authorized_amount", "charged_amount", "refunded_amount", "canceled_amount",
                 "authorize_pending_amount", "charge_pending_amount", "refund_pending_amount"]


def _event_record(item: TransactionItem, type_: str, amount: Decimal, *, psp_reference: str = "", message: str = "",
                  external_url: str = "", data: dict | None = None, actor=None) -> tuple[TransactionEvent, bool]:
    """Record one event on a LOCKED item and move its amounts; (event, created).

    An event with a PSP reference already recorded for the same type is returned as is
    (created False, nothing moves): reported events (webhooks, process retries) are idempotent.
    """
    amount = Decimal(amount or 0)
    type_ = str(type_)
    if psp_reference:
        existing = item.events.filter(type=type_, psp_reference=psp_reference).first()
        if existing is not None:
            return existing, False
    event = TransactionEvent.objects.create(
        item=item, type=type_, amount=amount, psp_reference=psp_reference or "", message=(message or "")[:512],
        external_url=external_url or "", data=data or {}, **_who(actor),
    )
    before = [getattr(item, name) for name in AMOUNT_FIELDS]
    _apply(item, type_, amount)
    if [getattr(item, name) for name in AMOUNT_FIELDS] != before:
        item.save(update_fields=[*AMOUNT_FIELDS, "modified_at"])
        transaction_changed_notify(item, event)
    return event, True


def _record_result(item: TransactionItem, result, *, actor=None, request_event=None, extra_data=None) -> TransactionEvent:
    """Record a gateway result; a result that only says "still pending" is folded into its request event."""
    if result.psp_reference and not item.psp_reference:
        item.psp_reference = result.psp_reference
        item.save(update_fields=["psp_reference", "modified_at"])
    if request_event is not None and result.type == request_event.type:
        if result.psp_reference and not request_event.psp_reference:
            request_event.psp_reference = result.psp_reference
            request_event.save(update_fields=["psp_reference"])
        return request_event
    data = dict(result.data or {})
    data.update(extra_data or {})
    event, _created = _event_record(
        item, result.type, result.amount, psp_reference=result.psp_reference, message=result.message,
        external_url=result.external_url, data=data, actor=actor,
    )
    return event


# --- storefront: gateways, initialize, process ----------------------------------------------------------------


def payment_gateway_initialize(*, checkout_token, amount=None, gateways: list[tuple[str, dict | None]] | None = None) -> list[GatewayConfig]:
    """paymentGatewayInitialize: ask each gateway what the client needs before paying. Writes nothing.

    ``gateways`` lists (gateway id, data); None or empty means every gateway available for the checkout.
    """
    source = _checkout_source(checkout_token)
    if source is None:
        raise DomainError(_("Checkout not found."), Code.NOT_FOUND, field="id")
    total = source.total if amount is None else _amount(amount, source.currency)
    available = {gateway.id: gateway for gateway in payment_gateways_available(source)}
    requested = gateways or [(gateway_id, None) for gateway_id in available]
    configs = []
    for gateway_id, data in requested:
        gateway = available.get(gateway_id)
        if gateway is None:
            configs.append(GatewayConfig(gateway_id, None, [DomainError(_("Payment gateway not available."), Code.NOT_FOUND, field="id")]))
            continue
        try:
            configs.append(GatewayConfig(gateway_id, gateway.initialize_session(source=source, amount=total, data=data)))
        except GatewayError as exc:
            configs.append(GatewayConfig(gateway_id, None, [DomainError(str(exc), Code.INVALID, field="id")]))
    return configs


def _initialize_replay(item: TransactionItem, fingerprint: str) -> TransactionOutcome:
    if item.request_hash != fingerprint:
        raise DomainError(_("This idempotency key was already used with different data."), Code.UNIQUE, field="idempotencyKey")
    event = item.events.exclude(type__in=[T.AUTHORIZATION_REQUEST, T.CHARGE_REQUEST]).order_by("-pk").first() or item.events.order_by("-pk").first()
    return TransactionOutcome(item, event, (event.data or None) if event else None)


def transaction_initialize(*, checkout_token, gateway_id: str, amount=None, action: str | None = None, data: dict | None = None,
                           idempotency_key: str | None = None, user=None, app=None) -> TransactionOutcome:
    """transactionInitialize: open a TransactionItem for the checkout and start the payment with the gateway.

    ``amount`` defaults to the checkout total minus what is already authorised or charged (net
    of refunds). ``action`` (CHARGE or AUTHORIZATION) is bent to what the gateway can do: cash on
    delivery only authorises, bank transfer only charges. The same ``idempotency_key`` with the
    same arguments returns the first item (nothing new is written, the gateway is not called);
    with other arguments it is refused with UNIQUE. A gateway failure is recorded as a
    *_FAILURE event and returned (the buyer retries with a new key).
    Locks: the checkout's payment lock (so a retry racing the first call waits and then replays it).
    """
    source = _checkout_source(checkout_token)
    if source is None:
        raise DomainError(_("Checkout not found."), Code.NOT_FOUND, field="id")
    if getattr(source, "is_completing", False):
        raise DomainError(_("The checkout is being completed; no new payment can start."), Code.CHECKOUT_COMPLETION_IN_PROGRESS, field="id")
    gateway = gateway_get(gateway_id)
    if gateway is None or source.currency not in gateway.currencies:
        raise DomainError(_("Payment gateway not available."), Code.NOT_FOUND, field="paymentGateway")
    if idempotency_key is not None and not (0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY):
        raise DomainError(_("An idempotency key has 1 to 255 characters."), Code.INVALID, field="idempotencyKey")
    if action is not None and action not in TransactionAction.values:
        raise DomainError(_("Unknown action."), Code.INVALID, field="action")
    amount = None if amount is None else _amount(amount, source.currency)
    fingerprint = _fingerprint(gateway=gateway.id, amount=None if amount is None else str(quantize(amount, source.currency)),
                               action=action, data=data, user=getattr(user, "pk", None), app=getattr(app, "pk", None))
    key = idempotency_key or str(uuid.uuid4())
    flow = action if action in gateway.actions else gateway.actions[0]

    with transaction.atomic():
        checkout_payments_lock(source.token)
        existing = TransactionItem.objects.filter(checkout_token=source.token, idempotency_key=key).first()
        if existing is not None:
            return _initialize_replay(existing, fingerprint)
        if amount is None:
            authorized, charged, refunded = checkout_payment_totals(source.token)
            amount = source.total - authorized - (charged - refunded)
            if amount <= 0:
                raise DomainError(_("The checkout is already paid."), Code.INVALID, field="amount")
        try:
            with transaction.atomic():
                item = TransactionItem.objects.create(
                    checkout_token=source.token, gateway=gateway.id, name=str(gateway.name), action=flow,
                    currency=source.currency, idempotency_key=key, request_hash=fingerprint,
                    created_by=user if getattr(user, "is_authenticated", False) else None, app=app,
                )
        except IntegrityError:
            return _initialize_replay(TransactionItem.objects.get(checkout_token=source.token, idempotency_key=key), fingerprint)
        actor = app or user
        request_event, _created = _event_record(item, REQUEST_OF[flow], amount, actor=actor)
        try:
            result = gateway.initialize(item, action=flow, amount=amount, data=data, idempotency_key=key)
        except GatewayError as exc:
            event, _created = _event_record(item, FAILURE_OF[flow], amount, message=str(exc), actor=actor)
            return TransactionOutcome(item, event, None)
        event = _record_result(item, result, actor=actor, request_event=request_event)
        if event is request_event and result.data:
            request_event.data = result.data
            request_event.save(update_fields=["data"])
        return TransactionOutcome(item, event, result.data or None)


def transaction_process(item: TransactionItem, data: dict | None = None, *, user=None, app=None) -> TransactionOutcome:
    """transactionProcess: the client finished its part (3-D Secure, a wallet); ask the gateway for the outcome.

    A transaction with nothing pending is already settled: its latest event is returned and the
    gateway is not called again. Locks: the item row.
    """
    with transaction.atomic():
        item = _locked(item)
        gateway = gateway_get(item.gateway)
        if gateway is None:
            raise DomainError(_("The payment method of this transaction is not available."), Code.NOT_FOUND, field="id")
        if item.authorize_pending_amount == 0 and item.charge_pending_amount == 0:
            event = item.events.order_by("-pk").first()
            return TransactionOutcome(item, event, None)
        try:
            result = gateway.process(item, data=data)
        except GatewayError as exc:
            raise DomainError(str(exc), Code.GATEWAY_ERROR, field="id") from exc
        if result.type in PENDING_RESULTS or result.type == T.INFO:  # nothing new to record
            return TransactionOutcome(item, item.events.order_by("-pk").first(), result.data or None)
        event = _record_result(item, result, actor=app or user)
        return TransactionOutcome(item, event, result.data or None)


# --- money after the order: charge, collect, confirm, refund, void --------------------------------------------


def _charge_locked(item: TransactionItem, gateway, amount: Decimal, *, actor, reason: str, idempotency_key: str,
                   release_remainder: bool) -> TransactionEvent:
    if amount > item.authorized_amount:
        raise DomainError(_("You cannot charge more than is authorised (%(amount)s).") % {"amount": item.authorized_amount},
                          Code.AMOUNT_EXCEEDS_AUTHORIZED, field="amount")
    request_event, _created = _event_record(item, T.CHARGE_REQUEST, amount, message=reason, actor=actor)
    try:
        # Provider keys are global to the account: scope the caller's key to this transaction.
        result = gateway.charge(item, amount, idempotency_key=f"charge-{item.token}-{idempotency_key or request_event.pk}")
    except GatewayError as exc:
        raise DomainError(str(exc), Code.GATEWAY_ERROR, field="amount") from exc
    event = _record_result(item, result, actor=actor, request_event=request_event)
    if event.type == T.CHARGE_SUCCESS and (release_remainder or gateway.capture_releases_remainder) and voidable_amount(item) > 0:
        _event_record(item, T.CANCEL_SUCCESS, voidable_amount(item), message=_("Rest of the authorisation released"), actor=actor)
    return event


def transaction_charge(item: TransactionItem, amount, *, actor=None, reason: str = "", idempotency_key: str = "",
                       release_remainder: bool = False) -> TransactionEvent:
    """Charge ``amount`` (at most what is authorised), e.g. the actual weight of produce sold by weight.

    ``release_remainder`` voids what stays authorised afterwards (Stripe always does). Returns the
    result event (CHARGE_SUCCESS, or CHARGE_FAILURE when the provider refused). Locks: the item row.
    """
    with transaction.atomic():
        item = _locked(item)
        gateway = _gateway_of(item)
        return _charge_locked(item, gateway, _amount(amount, item.currency), actor=actor, reason=reason,
                              idempotency_key=idempotency_key, release_remainder=release_remainder)


def transaction_cod_collect(item: TransactionItem, *, actor, amount, reason: str = "", release_remainder: bool = False,
                            collector_verified: bool = False) -> TransactionEvent:
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
        event = _charge_locked(item, gateway, _amount(amount, item.currency), actor=actor, reason=reason,
                               idempotency_key="", release_remainder=release_remainder)
        audit_record("payment.cod_collected", actor=actor, target=item, data={"amount": str(event.amount), "reason": reason})
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
            raise DomainError(_("You cannot confirm more than is awaited (%(amount)s).") % {"amount": item.charge_pending_amount},
                              Code.INVALID, field="amount")
        gateway = _gateway_of(item)
        result = gateway.charge(item, amount)
        event = _record_result(item, result, actor=actor)
        if reason:
            event.message = reason[:512]
            event.save(update_fields=["message"])
        audit_record("payment.bank_transfer_confirmed", actor=actor, target=item, data={"amount": str(amount), "reason": reason})
        return event


def _refund_locked(item: TransactionItem, gateway, amount: Decimal, *, actor, reason: str, idempotency_key: str) -> TransactionEvent:
    if idempotency_key:
        previous = item.events.filter(type=T.REFUND_REQUEST, data__idempotency_key=idempotency_key).order_by("pk").first()
        if previous is not None:
            if previous.amount != amount:
                raise DomainError(_("This idempotency key was already used with a different amount."), Code.UNIQUE, field="idempotencyKey")
            return item.events.filter(data__idempotency_key=idempotency_key).order_by("-pk").first()
    refundable = item.charged_amount - item.refunded_amount - item.refund_pending_amount
    if amount > refundable:
        raise DomainError(_("You cannot refund more than was charged and not yet refunded (%(amount)s).") % {"amount": refundable},
                          Code.AMOUNT_EXCEEDS_CHARGED, field="amount")
    key_data = {"idempotency_key": idempotency_key} if idempotency_key else {}
    request_event, _created = _event_record(item, T.REFUND_REQUEST, amount, message=reason, data=key_data, actor=actor)
    try:
        result = gateway.refund(item, amount, idempotency_key=f"refund-{item.token}-{idempotency_key or request_event.pk}")
    except GatewayError as exc:
        raise DomainError(str(exc), Code.GATEWAY_ERROR, field="amount") from exc
    event = _record_result(item, result, actor=actor, request_event=request_event, extra_data=key_data)
    if event.type != T.REFUND_FAILURE:
        webhook_event_emit(WebhookEventType.REFUND_CREATED, {
            "transaction": str(item.token), "checkoutToken": str(item.checkout_token), "gateway": item.gateway,
            "amount": str(amount), "currency": item.currency, "pspReference": event.psp_reference,
            "status": event.type, "reason": reason,
        })
        audit_record("payment.refunded", actor=actor, target=item, data={"amount": str(amount), "status": event.type, "reason": reason})
    return event


def transaction_refund(item: TransactionItem, amount, *, actor=None, reason: str = "", idempotency_key: str = "") -> TransactionEvent:
    """Give back ``amount`` of what was charged; refused with AMOUNT_EXCEEDS_CHARGED above charged − refunded − pending.

    The same ``idempotency_key`` returns the first refund's event (another amount: UNIQUE).
    Emits REFUND_CREATED. Returns REFUND_SUCCESS, REFUND_REQUEST (the provider settles later)
    or REFUND_FAILURE. Locks: the item row.
    """
    with transaction.atomic():
        item = _locked(item)
        gateway = _gateway_of(item)
        return _refund_locked(item, gateway, _amount(amount, item.currency), actor=actor, reason=reason, idempotency_key=idempotency_key)


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


def transaction_cancel_amount(item: TransactionItem, amount, *, actor=None, reason: str = "") -> TransactionEvent | None:
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
            raise DomainError(_("You cannot void more than is authorised (%(amount)s).") % {"amount": voidable},
                              Code.AMOUNT_EXCEEDS_AUTHORIZED, field="amount")
        if amount == voidable:
            return _cancel_locked(item, gateway, actor=actor, reason=reason)
        cancel_partial = getattr(gateway, "cancel_partial", None)
        if cancel_partial is None or amount > item.authorized_amount:
            raise DomainError(_("This payment method can only release the whole authorisation."), Code.NOT_SUPPORTED, field="amount")
        request_event, _created = _event_record(item, T.CANCEL_REQUEST, amount, message=reason, actor=actor)
        try:
            result = cancel_partial(item, amount)
        except GatewayError as exc:
            raise DomainError(str(exc), Code.GATEWAY_ERROR, field="amount") from exc
        return _record_result(item, result, actor=actor, request_event=request_event)


def checkout_transactions_refund_or_void(checkout_token, reason: str = "", *, actor=None) -> list[TransactionEvent]:
    """Give back everything paid for a checkout (e.g. allocation failed after payment): refund what is
    charged, void what is authorised, item by item.

    Each item is settled in its own (nested) transaction, so one provider refusing does not undo
    the others; refusals are raised together afterwards as DomainErrors. Locks: the items by pk
    (the caller may hold the checkout row).
    """
    events, errors = [], []
    pks = list(TransactionItem.objects.filter(checkout_token=checkout_token).order_by("pk").values_list("pk", flat=True))
    for pk in pks:
        try:
            with transaction.atomic():
                checkout_payments_lock(checkout_token)
                item = TransactionItem.objects.select_for_update().get(pk=pk)
                gateway = _gateway_of(item)
                refundable = item.charged_amount - item.refunded_amount - item.refund_pending_amount
                if refundable > 0:
                    events.append(_refund_locked(item, gateway, refundable, actor=actor, reason=reason,
                                                 idempotency_key=f"checkout-refund-{item.token}-{item.charged_amount}"))
                cancel_event = _cancel_locked(item, gateway, actor=actor, reason=reason)
                if cancel_event is not None:
                    events.append(cancel_event)
        except DomainError as exc:
            errors.extend(exc.as_list())
    if errors:
        raise DomainErrors(errors)
    return events


# --- provider reports (webhooks) ------------------------------------------------------------------------------


def transaction_event_report(item: TransactionItem, type_: str, amount, *, psp_reference: str, message: str = "",
                             actor=None) -> tuple[TransactionEvent, bool]:
    """A provider reports an outcome (Saleor's transactionEventReport): recorded once per (type, PSP reference).

    Returns (event, created); an already recorded report changes nothing. Locks: the item row.
    """
    if type_ not in T.values:
        raise DomainError(_("Unknown event type."), Code.INVALID, field="type")
    with transaction.atomic():
        item = _locked(item)
        if type_ == T.CANCEL_SUCCESS and amount is None:
            amount = voidable_amount(item)
        return _event_record(item, type_, Decimal(amount or 0), psp_reference=psp_reference, message=message, actor=actor)


def _stripe_item(obj) -> TransactionItem | None:
    token = (obj.get("metadata") or {}).get("transaction_token")
    if token:
        try:
            item = TransactionItem.objects.filter(token=uuid.UUID(str(token))).first()
        except ValueError:
            item = None
        if item is not None:
            return item
    reference = obj.get("payment_intent") if obj.get("object") == "charge" else obj.get("id")
    return TransactionItem.objects.filter(psp_reference=reference).first() if reference else None


def _stripe_reports(event_type: str, obj, item: TransactionItem) -> list[tuple[str, Decimal, str, str]]:
    """(event type, amount, PSP reference, message) for one Stripe event, as Saleor's Stripe plugin maps them."""
    from marketplace.payments.gateways.stripe import from_minor

    currency = item.currency
    if event_type == "payment_intent.succeeded":
        return [(T.CHARGE_SUCCESS, from_minor(obj.get("amount_received"), currency), obj["id"], "")]
    if event_type == "payment_intent.amount_capturable_updated":
        return [(T.AUTHORIZATION_SUCCESS, from_minor(obj.get("amount_capturable"), currency), obj["id"], "")]
    if event_type == "payment_intent.payment_failed":
        manual = obj.get("capture_method") in ("manual", "manual_preferred")
        message = (obj.get("last_payment_error") or {}).get("message") or ""
        return [(T.AUTHORIZATION_FAILURE if manual else T.CHARGE_FAILURE, from_minor(obj.get("amount"), currency), obj["id"], message)]
    if event_type == "payment_intent.canceled":
        return [(T.CANCEL_SUCCESS, voidable_amount(item), obj["id"], obj.get("cancellation_reason") or "")]
    if event_type == "charge.refunded":
        refunds = ((obj.get("refunds") or {}).get("data")) or []
        if refunds:
            return [(T.REFUND_SUCCESS, from_minor(r.get("amount"), currency), r["id"], "") for r in refunds if r.get("status") == "succeeded"]
        delta = from_minor(obj.get("amount_refunded"), currency) - item.refunded_amount
        return [(T.REFUND_SUCCESS, delta, f"{obj['id']}:{obj.get('amount_refunded')}", "")] if delta > 0 else []
    return []


def stripe_webhook_event_handle(*, event_id: str, event_type: str, obj) -> bool:
    """Apply one verified Stripe event; False when this event id was handled before (a replay: no effect).

    The event id is stored in the same transaction as its effects, so a failed attempt leaves no
    trace and Stripe's retry applies it; each resulting TransactionEvent is also unique per
    (type, PSP reference), so an event that repeats another's news changes nothing.
    Locks: the StripeWebhookEvent unique index, then the checkout payment lock and the item row.
    """
    from marketplace.payments.models import StripeWebhookEvent

    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeWebhookEvent.objects.create(event_id=event_id, type=event_type[:80])
        except IntegrityError:
            return False
        item = _stripe_item(obj)
        if item is None:
            return True
        item = _locked(item)
        for type_, amount, reference, message in _stripe_reports(event_type, obj, item):
            _event_record(item, type_, amount, psp_reference=reference, message=message)
        return True
