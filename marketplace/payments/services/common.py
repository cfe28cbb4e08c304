"""Shared pieces of the payment services: locks, amounts, and recording an event with its effect."""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, connections, router
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.payments.error_codes import PaymentErrorCode as Code
from marketplace.payments.gateways import gateway_get
from marketplace.payments.hooks import payment_source_of, transaction_changed
from marketplace.payments.models import (
    PaymentNotification,
    TransactionAction,
    TransactionEvent,
    TransactionItem,
)
from marketplace.payments.models import TransactionEventType as T
from meidu.core.errors import DomainError
from meidu.core.money import is_quantized, to_decimal
from meidu.core.sql.bulk import bulk_insert
from meidu.core.sql.compiled import CompiledQuery
from meidu.integrations.models import App

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
    """What transactionInitialize / transactionProcess return. ``still_pending``: the gateway's
    answer was "still processing", which records no event (``event`` is then the latest one)."""

    item: TransactionItem
    event: TransactionEvent | None
    data: dict | None
    still_pending: bool = False


# --- helpers -------------------------------------------------------------------------------------------------


def _checkout_source(checkout_token):
    return payment_source_of(checkout_token)


def _who(actor) -> dict:
    """created_by / app of an event from whoever acts (a user, an app, or None for the system)."""
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
        raise DomainError(
            _("The amount has more decimal places than %(currency)s allows.") % {"currency": currency},
            Code.INVALID,
            field=field,
        )
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


# The statements every provider notification runs (WeChat Pay, Alipay: hundreds a second at a sale's
# peak) are compiled once per process: building these querysets cost more CPU than running them.
_item_for_update = CompiledQuery(lambda pk: TransactionItem.objects.select_for_update().filter(pk=pk), pk=int)
_reported_event = CompiledQuery(
    lambda item_id, type_, psp_reference: TransactionEvent.objects.filter(
        item_id=item_id, type=type_, psp_reference=psp_reference
    ).order_by("pk")[:1],
    item_id=int,
    type_=str,
    psp_reference=str,
)


def _locked(item: TransactionItem) -> TransactionItem:
    checkout_payments_lock(item.checkout_token)
    rows = _item_for_update(pk=item.pk)
    if not rows:
        raise TransactionItem.DoesNotExist(f"transaction item {item.pk} is gone")
    return rows[0]


def reported_event(item: TransactionItem, type_: str, psp_reference: str) -> TransactionEvent | None:
    """The first event of ``item`` with this type and PSP reference (what ``item.events.filter(...).first()``
    finds), or None; read under the item's lock it is the idempotency check of a reported event."""
    rows = _reported_event(item_id=item.pk, type_=str(type_), psp_reference=psp_reference)
    if not rows:
        return None
    rows[0].item = item  # as the related manager would: the caller's (locked) instance, no second read
    return rows[0]


def _field(model, name: str) -> Field:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _quoted(model, name: str) -> str:
    """The quoted column of ``model``'s field ``name`` (``"pk"``: its primary key), for SQL built once."""
    field = model._meta.pk if name == "pk" else _field(model, name)
    return connection.ops.quote_name(str(field.column))


@functools.cache
def _claim_sql() -> str:
    table = connection.ops.quote_name(PaymentNotification._meta.db_table)
    gateway, number, kind, received = (
        _quoted(PaymentNotification, name) for name in ("gateway", "notification_id", "event_type", "received_at")
    )
    return (
        f"INSERT INTO {table} ({gateway}, {number}, {kind}, {received}) VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT ({gateway}, {number}) DO NOTHING RETURNING {_quoted(PaymentNotification, 'pk')}"
    )


def notification_claim(gateway: str, notification_id: str, event_type: str) -> bool:
    """Store a provider's notification id in the current transaction; False if it is stored already
    (a repeat: apply nothing). One ``INSERT ... ON CONFLICT DO NOTHING`` on the unique
    (gateway, notification_id) index instead of an INSERT in a savepoint that a duplicate rolls back:
    the same guarantee (a concurrent delivery of the same id waits for the first one's transaction,
    then finds it), two statements fewer. Call it inside ``transaction.atomic()``: a refusal raised
    later rolls the stored id back with everything else."""
    # the router is asked as save() asks it (the replicas' router notes the write and pins the sender)
    with connections[router.db_for_write(PaymentNotification)].cursor() as cursor:
        cursor.execute(_claim_sql(), [gateway, notification_id, event_type, timezone.now()])
        return cursor.fetchone() is not None


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


AMOUNT_FIELDS = [
    "authorized_amount",
    "charged_amount",
    "refunded_amount",
    "canceled_amount",
    "authorize_pending_amount",
    "charge_pending_amount",
    "refund_pending_amount",
]


@functools.cache
def _amounts_sql() -> str:
    sets = ", ".join(f"{_quoted(TransactionItem, name)} = %s" for name in (*AMOUNT_FIELDS, "modified_at"))
    table = connection.ops.quote_name(TransactionItem._meta.db_table)
    return f"UPDATE {table} SET {sets} WHERE {_quoted(TransactionItem, 'pk')} = %s"


def _amounts_save(item: TransactionItem) -> None:
    """``item.save(update_fields=[*AMOUNT_FIELDS, "modified_at"])`` with its UPDATE built once per process
    (every recorded event that moves money runs it): values prepared by the fields as save() prepares
    them, ``modified_at`` set as auto_now sets it."""
    item.modified_at = timezone.now()
    values = [
        _field(TransactionItem, name).get_db_prep_save(getattr(item, name), connection)
        for name in (*AMOUNT_FIELDS, "modified_at")
    ]
    with connections[router.db_for_write(TransactionItem, instance=item)].cursor() as cursor:
        cursor.execute(_amounts_sql(), [*values, item.pk])


def _event_new(
    item: TransactionItem,
    type_: str,
    amount,
    *,
    psp_reference: str = "",
    message: str = "",
    external_url: str = "",
    data: dict | None = None,
    actor=None,
) -> TransactionEvent:
    """An unsaved event of ``item``, its fields normalised as every recorded event's are."""
    return TransactionEvent(
        item=item,
        type=str(type_),
        amount=Decimal(amount or 0),
        psp_reference=psp_reference or "",
        message=(message or "")[:512],
        external_url=external_url or "",
        data=data or {},
        **_who(actor),
    )


def _event_record(
    item: TransactionItem,
    type_: str,
    amount: Decimal,
    *,
    psp_reference: str = "",
    message: str = "",
    external_url: str = "",
    data: dict | None = None,
    actor=None,
    known_new: bool = False,
) -> tuple[TransactionEvent, bool]:
    """Record one event on a LOCKED item and move its amounts; (event, created).

    An event with a PSP reference already recorded for the same type is returned as is
    (created False, nothing moves): reported events (webhooks, process retries) are idempotent.
    ``known_new``: the caller has just found no such event under the same lock (``reported_event``,
    or no event of the type at all), so it is not looked for a second time.
    """
    amount = Decimal(amount or 0)
    type_ = str(type_)
    if psp_reference and not known_new:
        existing = reported_event(item, type_, psp_reference)
        if existing is not None:
            return existing, False
    event = _event_new(
        item,
        type_,
        amount,
        psp_reference=psp_reference,
        message=message,
        external_url=external_url,
        data=data,
        actor=actor,
    )
    bulk_insert([event])  # the INSERT's SQL built once per process, not compiled per event
    before = [getattr(item, name) for name in AMOUNT_FIELDS]
    _apply(item, type_, amount)
    if [getattr(item, name) for name in AMOUNT_FIELDS] != before:
        _amounts_save(item)
        transaction_changed.send(item, event)
    return event, True


def _record_result(
    item: TransactionItem, result, *, actor=None, request_event=None, extra_data=None
) -> TransactionEvent:
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
        item,
        result.type,
        result.amount,
        psp_reference=result.psp_reference,
        message=result.message,
        external_url=result.external_url,
        data=data,
        actor=actor,
    )
    return event


# --- storefront: gateways, initialize, process ----------------------------------------------------------------
