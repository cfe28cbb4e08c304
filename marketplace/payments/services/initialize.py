"""Starting and processing a payment: paymentGatewayInitialize, transactionInitialize, transactionProcess."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.payments.error_codes import PaymentErrorCode as Code
from marketplace.payments.gateways import GatewayError, gateway_get
from marketplace.payments.hooks import PaymentSource, transaction_changed
from marketplace.payments.models import (
    TransactionAction,
    TransactionEvent,
    TransactionItem,
)
from marketplace.payments.models import TransactionEventType as T
from marketplace.payments.selectors import (
    payment_gateways_available,
    payment_totals_of,
)
from marketplace.payments.services.common import (
    AMOUNT_FIELDS,
    FAILURE_OF,
    MAX_IDEMPOTENCY_KEY,
    PENDING_RESULTS,
    REQUEST_OF,
    GatewayConfig,
    TransactionOutcome,
    _amount,
    _apply,
    _checkout_source,
    _event_new,
    _fingerprint,
    _locked,
    _record_result,
    checkout_payments_lock,
)
from meidu.core.errors import DomainError
from meidu.core.money import quantize


def payment_gateway_initialize(
    *, checkout_token, amount=None, gateways: list[tuple[str, dict | None]] | None = None
) -> list[GatewayConfig]:
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
            configs.append(
                GatewayConfig(
                    gateway_id, None, [DomainError(_("Payment gateway not available."), Code.NOT_FOUND, field="id")]
                )
            )
            continue
        try:
            configs.append(
                GatewayConfig(gateway_id, gateway.initialize_session(source=source, amount=total, data=data))
            )
        except GatewayError as exc:
            configs.append(GatewayConfig(gateway_id, None, [DomainError(str(exc), Code.INVALID, field="id")]))
    return configs


def _initialize_replay(item: TransactionItem, fingerprint: str) -> TransactionOutcome:
    if item.request_hash != fingerprint:
        raise DomainError(
            _("This idempotency key was already used with different data."), Code.UNIQUE, field="idempotencyKey"
        )
    event = (
        item.events.exclude(type__in=[T.AUTHORIZATION_REQUEST, T.CHARGE_REQUEST]).order_by("-pk").first()
        or item.events.order_by("-pk").first()
    )
    return TransactionOutcome(item, event, (event.data or None) if event else None)


def transaction_initialize(
    *,
    checkout_token,
    gateway_id: str,
    amount=None,
    action: str | None = None,
    data: dict | None = None,
    idempotency_key: str | None = None,
    user=None,
    app=None,
    source: PaymentSource | None = None,
) -> TransactionOutcome:
    """transactionInitialize: open a TransactionItem for the checkout and start the payment with the gateway.

    ``amount`` defaults to the checkout total minus what is already authorised or charged (net
    of refunds). ``action`` (CHARGE or AUTHORIZATION) is bent to what the gateway can do: cash on
    delivery only authorises, bank transfer only charges, a gateway that captures once (Stripe)
    charges a checkout of several shops. The same ``idempotency_key`` with the
    same arguments returns the first item (nothing new is written, the gateway is not called);
    with other arguments it is refused with UNIQUE. A gateway failure is recorded as a
    *_FAILURE event and returned (the buyer retries with a new key).
    Locks: the checkout's payment lock (so a retry racing the first call waits and then replays it).
    ``source``: what ``payment_source_of(checkout_token)`` answered, when the caller has just read it (the
    API reads it to check who may pay), so it is not read twice (four statements).
    """
    if source is None or str(source.token) != str(checkout_token):
        source = _checkout_source(checkout_token)
    if source is None:
        raise DomainError(_("Checkout not found."), Code.NOT_FOUND, field="id")
    if getattr(source, "is_completing", False):
        raise DomainError(
            _("The checkout is being completed; no new payment can start."),
            Code.CHECKOUT_COMPLETION_IN_PROGRESS,
            field="id",
        )
    gateway = gateway_get(gateway_id)
    if gateway is None or source.currency not in gateway.currencies:
        raise DomainError(_("Payment gateway not available."), Code.NOT_FOUND, field="paymentGateway")
    if idempotency_key is not None and not (0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY):
        raise DomainError(_("An idempotency key has 1 to 255 characters."), Code.INVALID, field="idempotencyKey")
    if action is not None and action not in TransactionAction.values:
        raise DomainError(_("Unknown action."), Code.INVALID, field="action")
    amount = None if amount is None else _amount(amount, source.currency)
    fingerprint = _fingerprint(
        gateway=gateway.id,
        amount=None if amount is None else str(quantize(amount, source.currency)),
        action=action,
        data=data,
        user=getattr(user, "pk", None),
        app=getattr(app, "pk", None),
    )
    key = idempotency_key or str(uuid.uuid4())
    flow = action if action in gateway.actions else gateway.actions[0]
    if (
        flow == TransactionAction.AUTHORIZATION
        and gateway.capture_releases_remainder
        and source.shops > 1
        and TransactionAction.CHARGE in gateway.actions
    ):
        # A Stripe PaymentIntent is captured once, releasing the rest: one shop's capture would drop the
        # hold of the others' orders. Several shops are charged at once; weighing refunds the difference.
        flow = TransactionAction.CHARGE

    with transaction.atomic():
        checkout_payments_lock(source.token)
        # the checkout's items, read once: the replay of this key, and what they already cover
        items = list(TransactionItem.objects.filter(checkout_token=source.token))
        existing = next((item for item in items if item.idempotency_key == key), None)
        if existing is not None:
            return _initialize_replay(existing, fingerprint)
        if amount is None:
            authorized, charged, refunded = payment_totals_of(items)
            amount = source.total - authorized - (charged - refunded)
            if amount <= 0:
                raise DomainError(_("The checkout is already paid."), Code.INVALID, field="amount")
        # No savepoint for a racing duplicate: items are created only here, under the payment lock taken
        # above, and the items read under it include every committed one, so (token, key) is free. The
        # unique constraint stays the last word (a duplicate would fail the request, never pay twice).
        actor = app or user
        # The request event's amounts go into the item's INSERT, and both events into one INSERT after the
        # gateway answers (_initialize_record): the same rows and amounts as recording them one by one, in
        # four statements instead of seven. Nothing outside this transaction sees the steps in between.
        item = TransactionItem(
            checkout_token=source.token,
            gateway=gateway.id,
            name=str(gateway.name),
            action=flow,
            currency=source.currency,
            idempotency_key=key,
            request_hash=fingerprint,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            app=app,
        )
        request_event = _event_new(item, REQUEST_OF[flow], amount, actor=actor)
        _moves(item, request_event)
        item.save(force_insert=True)
        try:
            result = gateway.initialize(item, action=flow, amount=amount, data=data, idempotency_key=key)
        except GatewayError as exc:
            failure = _event_new(item, FAILURE_OF[flow], amount, message=str(exc), actor=actor)
            moved = _moves(item, failure)  # the request's pending amount is released
            _initialize_record(item, [request_event, failure], announce=failure if moved else request_event)
            return TransactionOutcome(item, failure, None)
        psp_reference_changed = bool(result.psp_reference and not item.psp_reference)
        if psp_reference_changed:
            item.psp_reference = result.psp_reference
        if result.type == request_event.type:  # still pending: the result is folded into the request event
            if result.psp_reference and not request_event.psp_reference:
                request_event.psp_reference = result.psp_reference
            if result.data:
                request_event.data = result.data
            _initialize_record(item, [request_event], announce=request_event, save=psp_reference_changed)
            return TransactionOutcome(item, request_event, result.data or None)
        event = _event_new(
            item,
            result.type,
            result.amount,
            psp_reference=result.psp_reference,
            message=result.message,
            external_url=result.external_url,
            data=dict(result.data or {}),
            actor=actor,
        )
        moved = _moves(item, event)
        announce = event if moved else request_event
        _initialize_record(item, [request_event, event], announce=announce, save=moved or psp_reference_changed)
        return TransactionOutcome(item, event, result.data or None)


def _moves(item: TransactionItem, event: TransactionEvent) -> bool:
    """Move the item's amounts for ``event`` (in memory); whether any moved."""
    before = [getattr(item, name) for name in AMOUNT_FIELDS]
    _apply(item, event.type, event.amount)
    return [getattr(item, name) for name in AMOUNT_FIELDS] != before


def _initialize_record(
    item: TransactionItem, events: list[TransactionEvent], *, announce: TransactionEvent, save: bool = True
) -> None:
    """Write a new item's events (one INSERT, in order) and, when the gateway's answer moved its amounts or
    named its PSP reference, the item (one UPDATE); then tell the orders once, with the last event that
    moved the amounts (_event_record tells them after each such event; the request event always moves the
    pending amount, and the orders' reaction reads only the item's final amounts)."""
    TransactionEvent.objects.bulk_create(events)
    if save:
        item.save(update_fields=[*AMOUNT_FIELDS, "psp_reference", "modified_at"])
    transaction_changed.send(item, announce)


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
            return TransactionOutcome(
                item,
                item.events.order_by("-pk").first(),
                result.data or None,
                still_pending=result.type in PENDING_RESULTS,
            )
        event = _record_result(item, result, actor=app or user)
        return TransactionOutcome(item, event, result.data or None)


# --- money after the order: charge, collect, confirm, refund, void --------------------------------------------
