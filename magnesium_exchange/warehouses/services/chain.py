"""Appending to a receipt's hash chain: build the content, hash it, sign it with the warehouse's
active key, store the event and move the receipt's head. Call inside the transaction that holds
the receipt row lock, after the receipt row reflects the event."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from magnesium_exchange.warehouses.models import Receipt, ReceiptEvent, WarehouseKey
from magnesium_exchange.warehouses.signing import canonical_json, content_hash, sign
from meidu.core.money import quantize
from meidu.integrations.models import App

GENESIS = "0" * 64
CHAIN_VERSION = 1


def receipt_state(receipt: Receipt) -> dict:
    """The fields every event restates, so a replay of the chain can be checked against the row."""
    return {
        "status": receipt.status,
        "quantity": str(quantize(receipt.quantity, "TNE")),
        "holder": receipt.holder.credit_code,
        "grade": receipt.grade.code,
        "lock_until": receipt.lock_until.astimezone(dt.timezone.utc).isoformat() if receipt.lock_until else None,
        # only while encumbered: chains signed before pledges existed replay unchanged
        **({"encumbrance": receipt.encumbrance} if receipt.encumbrance else {}),
    }


def event_content(
    *, number: str, warehouse_code: str, seq: int, action: str, data: dict, occurred_at, kid: str, prev_hash: str
) -> dict:
    return {
        "v": CHAIN_VERSION,
        "receipt": number,
        "warehouse": warehouse_code,
        "seq": seq,
        "action": action,
        "data": data,
        "at": occurred_at.astimezone(dt.timezone.utc).isoformat(),
        "kid": kid,
        "prev_hash": prev_hash,
    }


def content_of(event: ReceiptEvent) -> dict:
    return event_content(
        number=event.receipt.number,
        warehouse_code=event.receipt.warehouse.code,
        seq=event.seq,
        action=event.action,
        data=event.data,
        occurred_at=event.occurred_at,
        kid=event.kid,
        prev_hash=event.prev_hash,
    )


def _actor_fields(actor) -> dict:
    if isinstance(actor, App):
        return {"actor_app": actor}
    if getattr(actor, "is_authenticated", False):
        return {"actor_user": actor}
    return {}


def receipt_event_append(receipt: Receipt, action: str, data: dict | None = None, *, actor=None) -> ReceiptEvent:
    key = WarehouseKey.objects.get(warehouse_id=receipt.warehouse_id, is_active=True)
    seq = receipt.event_count + 1
    prev_hash = receipt.last_hash or GENESIS
    payload = {**(data or {}), "state": receipt_state(receipt)}
    occurred_at = timezone.now()
    content = event_content(
        number=receipt.number,
        warehouse_code=receipt.warehouse.code,
        seq=seq,
        action=action,
        data=payload,
        occurred_at=occurred_at,
        kid=key.kid,
        prev_hash=prev_hash,
    )
    event = ReceiptEvent.objects.create(
        receipt=receipt,
        seq=seq,
        action=action,
        data=payload,
        occurred_at=occurred_at,
        kid=key.kid,
        prev_hash=prev_hash,
        hash=content_hash(content),
        signature=sign(key, canonical_json(content)),
        **_actor_fields(actor),
    )
    receipt.event_count, receipt.last_hash = seq, event.hash
    Receipt.objects.filter(pk=receipt.pk).update(event_count=seq, last_hash=event.hash)
    return event
