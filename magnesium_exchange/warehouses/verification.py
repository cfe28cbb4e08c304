"""Verify a receipt offline-style: recompute its hash chain, check every Ed25519 signature with the
warehouse's published key of the event's kid, and replay the restated state against the row.
An edited event (data, time, order) breaks its hash; a forged or swapped signature fails to verify;
an edited receipt row disagrees with the replayed state."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from magnesium_exchange.warehouses.models import Receipt, ReceiptEvent, WarehouseKey
from magnesium_exchange.warehouses.services.chain import GENESIS, content_of, receipt_state
from magnesium_exchange.warehouses.signing import canonical_json, content_hash, verify
from meidu.core.sql.compiled import CompiledQuery


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
    return receipt_chain_replay(receipt, events, keys)


def receipt_chain_replay(receipt: Receipt, events: list[ReceiptEvent], keys: dict[str, str]) -> ReceiptVerification:
    """Replay ``events`` (the receipt's, ordered by seq) against the ``receipt`` row (with its warehouse,
    holder and grade loaded); ``keys`` maps the kids of this warehouse's keys to their public keys."""
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
    return ReceiptVerification(
        number=receipt.number, valid=not problems, events=len(events), last_hash=prev_hash, problems=problems
    )


# --- many receipts at once, replaying only what has not been replayed before -------------------------

_EVENT_FIELDS = ("receipt_id", "seq", "action", "data", "occurred_at", "kid", "prev_hash", "hash", "signature")
REPLAY_CACHE_SIZE = 50_000


def _events_with_keys(receipt_ids):
    """The receipts' events in order, each with the public key of its kid among its warehouse's keys."""
    key_of = WarehouseKey.objects.filter(kid=OuterRef("kid"), warehouse_id=OuterRef("receipt__warehouse_id")).values(
        "public_key"
    )[:1]
    return (
        ReceiptEvent.objects.filter(receipt_id__in=receipt_ids)
        .order_by("receipt_id", "seq")
        .annotate(public_key=Subquery(key_of))
        .only(*_EVENT_FIELDS)
    )


# SQL compiled once per process (and per number of receipts): verifying spends no time building it.
_events_of = CompiledQuery(_events_with_keys, receipt_ids=[int])
_replayed: OrderedDict[bytes, ReceiptVerification] = OrderedDict()
_replayed_lock = threading.Lock()


def _fingerprint(receipt: Receipt, events: list[ReceiptEvent], keys: dict[str, str]) -> bytes:
    """A digest of every input of ``receipt_chain_replay``: the row's head and restated state, each event
    as stored (all the fields the replay reads) and the public keys it used. Equal inputs give an equal
    verdict, so a verdict cached under this digest is the verdict of a replay now."""
    parts = [
        receipt.pk,
        receipt.number,
        receipt.warehouse.code,
        receipt.last_hash,
        receipt.event_count,
        sorted(receipt_state(receipt).items()),
    ]
    for event in events:
        parts.append(
            (
                event.seq,
                event.action,
                canonical_json(event.data) if isinstance(event.data, dict) else repr(event.data),
                event.occurred_at.isoformat(),
                event.kid,
                event.prev_hash,
                event.hash,
                event.signature,
                keys.get(event.kid),
            )
        )
    return hashlib.sha256(repr(parts).encode("utf-8")).digest()


def receipts_chain_check(receipts: list[Receipt]) -> dict[int, ReceiptVerification]:
    """``receipt_verify`` of many receipts (each with warehouse, holder and grade loaded) in one query:
    their events with the public key of each event's kid among its warehouse's keys. The replay (hashes
    and Ed25519 signatures of every event) runs only for inputs this process has not replayed before: a
    receipt whose row, events and keys are unchanged since its last replay gets that replay's verdict
    (an event removed, reordered or edited, a key swapped, a row edited all change the digest)."""
    if not receipts:
        return {}
    by_id = {receipt.pk: receipt for receipt in receipts}
    events: dict[int, list[ReceiptEvent]] = {pk: [] for pk in by_id}
    rows = _events_of(receipt_ids=list(by_id))
    keys: dict[int, dict[str, str]] = {pk: {} for pk in by_id}
    for event in rows:
        events[event.receipt_id].append(event)
        if event.public_key is not None:
            keys[event.receipt_id][event.kid] = event.public_key
    results = {}
    for pk, receipt in by_id.items():
        digest = _fingerprint(receipt, events[pk], keys[pk])
        with _replayed_lock:
            known = _replayed.get(digest)
            if known is not None:
                _replayed.move_to_end(digest)
        if known is None:
            known = receipt_chain_replay(receipt, events[pk], keys[pk])
            with _replayed_lock:
                _replayed[digest] = known
                while len(_replayed) > REPLAY_CACHE_SIZE:
                    _replayed.popitem(last=False)
        results[pk] = known
    return results
