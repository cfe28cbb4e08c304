"""Verify a receipt offline-style: recompute its hash chain, check every Ed25519 signature with the
warehouse's published key of the event's kid, and replay the restated state against the row.
An edited event (data, time, order) breaks its hash; a forged or swapped signature fails to verify;
an edited receipt row disagrees with the replayed state."""

from __future__ import annotations

from dataclasses import dataclass, field

from magnesium_exchange.warehouses.models import Receipt, ReceiptEvent, WarehouseKey
from magnesium_exchange.warehouses.services.chain import GENESIS, content_of, receipt_state
from magnesium_exchange.warehouses.signing import canonical_json, content_hash, verify


@dataclass
class ReceiptVerification:
    number: str
    valid: bool
    events: int
    last_hash: str
    problems: list[str] = field(default_factory=list)


def receipt_verify(receipt: Receipt) -> ReceiptVerification:
    receipt = Receipt.objects.select_related("warehouse", "holder", "grade").get(pk=receipt.pk)
    events = list(ReceiptEvent.objects.filter(receipt=receipt).order_by("seq"))
    keys = dict(WarehouseKey.objects.filter(warehouse_id=receipt.warehouse_id).values_list("kid", "public_key"))
    problems: list[str] = []
    prev_hash = GENESIS
    state: dict = {}
    if not events:
        problems.append("no events")
    for expected_seq, event in enumerate(events, start=1):
        event.receipt = receipt
        label = f"event {event.seq} ({event.action})"
        if event.seq != expected_seq:
            problems.append(f"{label}: sequence gap, expected {expected_seq}")
        if event.prev_hash != prev_hash:
            problems.append(f"{label}: does not link to the previous event")
        content = content_of(event)
        if content_hash(content) != event.hash:
            problems.append(f"{label}: content does not match its hash (edited)")
        public_key = keys.get(event.kid)
        if public_key is None:
            problems.append(f"{label}: signed with a key {event.kid} that is not this warehouse's")
        elif not verify(public_key, canonical_json(content), event.signature):
            problems.append(f"{label}: signature invalid")
        state = event.data.get("state", state) if isinstance(event.data, dict) else state
        prev_hash = event.hash
    if events:
        if receipt.last_hash != prev_hash or receipt.event_count != len(events):
            problems.append("the receipt's head does not match its last event")
        current = receipt_state(receipt)
        for key, value in current.items():
            if state.get(key) != value:
                problems.append(f"the receipt's {key} ({value}) differs from its signed history ({state.get(key)})")
    return ReceiptVerification(number=receipt.number, valid=not problems, events=len(events), last_hash=prev_hash, problems=problems)
