"""The journal of engine events and the states rebuilt from it.

`state_load` rebuilds an aggregate from its journal rows (continuing a state this process kept after
an earlier commit, so a bid does not replay the whole auction; a bid brings that state up to the
committed journal before its row lock: `state_take`, `state_prefetch`); `journal_append` writes a command's
events; `state_keep` hands the state back to the process cache only once the transaction commits
(engine.apply mutates states in place, so a state from a rolled-back transaction is never reused).
The projections turn a state into the row fields the tables carry; the replay test compares them."""

from __future__ import annotations

import json
import threading
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from magnesium_exchange.engine import AuctionState, ListingState, RfqState, event_from_dict, from_ms, replay
from magnesium_exchange.engine.auction import ACTIVE as BID_ACTIVE
from magnesium_exchange.engine.auction import _bid_no
from magnesium_exchange.engine.negotiation import ACTIVE as QUOTE_ACTIVE
from magnesium_exchange.trading.models import JournalEntry

_CACHE: dict[tuple, tuple] = {}  # (aggregate type, pk) -> (row's created_at, state)
_CACHE_LOCK = threading.Lock()
_CACHE_MAX = 2000
ZERO = Decimal("0")


def journal_events(aggregate_type: str, pk: int, after: int = 0) -> list:
    payloads = (
        JournalEntry.objects.filter(aggregate_type=aggregate_type, aggregate_pk=pk, seq__gt=after)
        .order_by("seq")
        .values_list("payload", flat=True)
    )
    return [event_from_dict(payload) for payload in payloads]


def state_rebuild(aggregate_type: str, pk: int):
    """The state from the whole journal (what the replay test and the admin use)."""
    return replay(journal_events(aggregate_type, pk))


def state_take(aggregate_type: str, pk: int) -> tuple | None:
    """This process's state of the aggregate kept after its last commit, as (row's created_at, state);
    the caller owns it (engine.apply mutates states) until `state_keep` hands one back."""
    with _CACHE_LOCK:
        return _CACHE.pop((aggregate_type, pk), None)


def state_return(aggregate_type: str, pk: int, taken: tuple | None) -> None:
    """Give back a taken state nothing was applied to (a command refused before its row lock), so the
    next command does not replay the whole journal."""
    if taken is not None:
        with _CACHE_LOCK:
            _CACHE.setdefault((aggregate_type, pk), taken)


def state_prefetch(aggregate_type: str, pk: int, taken: tuple | None, created_at, payloads: list[str]):
    """Before the row lock: the `taken` state brought up to the journal's committed events, whose JSON
    `payloads` after its version the caller read (the journal is append-only and contiguous, so reading
    it needs no lock; a bid reads them with its facts). `state_load` finishes the state under the lock.
    A state kept for another aggregate of the same pk (a recreated table) is dropped: full replay."""
    if taken is not None and taken[0] != created_at:
        return replay(journal_events(aggregate_type, pk))
    state = taken[1] if taken is not None else None
    events = [event_from_dict(json.loads(payload)) for payload in payloads]
    return replay(events, state) if events else state


_TAKE = object()


def state_load(aggregate_type: str, row, state=_TAKE):
    """The state of a locked aggregate row at its current version (call under its row lock), continuing
    `state` (from `state_prefetch`) or else the state this process kept after its last commit."""
    if state is _TAKE:
        taken = state_take(aggregate_type, row.pk)
        state = taken[1] if taken is not None and taken[0] == row.created_at else None
    if state is not None and state.version > row.version:
        state = None
    if state is not None and state.version == row.version:
        return state  # the row's version moves with every journal append, in the same transaction
    events = journal_events(aggregate_type, row.pk, state.version if state is not None else 0)
    if events:
        state = replay(events, state)
    return state


def state_keep(aggregate_type: str, row, state, *, now: bool = False) -> None:
    """Cache `state` (at row.version) for the next command: after commit, or at once when unchanged."""
    key, entry = (aggregate_type, row.pk), (row.created_at, state)

    def put():
        with _CACHE_LOCK:
            if len(_CACHE) >= _CACHE_MAX:
                _CACHE.clear()
            _CACHE[key] = entry

    if state is None:
        return
    if now:
        put()
    else:
        transaction.on_commit(put)


def journal_append(aggregate_type: str, pk: int, events: list, batch) -> None:
    """The command's events as one INSERT of `batch` (sent with the command's other writes)."""
    now = timezone.now()
    batch.insert(
        JournalEntry,
        [
            {
                "aggregate_type": aggregate_type,
                "aggregate_pk": pk,
                "seq": event.seq,
                "event_type": type(event).__name__,
                "payload": event.to_dict(),
                "created_at": now,
            }
            for event in events
        ],
    )


# projections: state -> row fields ------------------------------------------------------------------


def _dt(ms):
    return None if ms is None else from_ms(ms)


def listing_projection(s: ListingState) -> dict:
    status = "open" if s.open else s.close_reason.value
    return {
        "side": s.side.value,
        "quantity": s.quantity,
        "remaining": s.remaining,
        "price": s.price,
        "min_pick": s.min_pick,
        "step": s.step,
        "status": status,
        "expires_at": _dt(s.expires_at),
        "trade_count": s.trade_count,
        "traded_quantity": s.traded_quantity,
        "deposit_held": sum((amount for _m, amount in s.holds.values()), ZERO),
        "version": s.version,
    }


def auction_projection(s: AuctionState) -> dict:
    sale = s.kind.value == "sale"
    lots, best_overall, live = [], None, 0
    for lot in s.lots.values():
        prices = [s.bids[_bid_no(key)].price for key in lot.heap if s.bids[_bid_no(key)].status == BID_ACTIVE]
        live += len(prices)
        best = (max(prices) if sale else min(prices)) if prices else None
        if best is not None and (best_overall is None or (best > best_overall if sale else best < best_overall)):
            best_overall = best
        lots.append(
            {
                "lot_id": lot.lot_id,
                "quantity": str(lot.quantity),
                "reserve_price": str(lot.reserve_price),
                "live_quantity": str(lot.live_quantity),
                "sold_quantity": str(lot.sold_quantity),
                "best_price": None if best is None else str(best),
                "live_bids": len(prices),
            }
        )
    return {
        "kind": s.kind.value,
        "quantity": s.quantity,
        "lots": lots,
        "band_low": s.band[0] if s.band else None,
        "band_high": s.band[1] if s.band else None,
        "min_bid_quantity": s.min_bid_quantity,
        "starts_at": _dt(s.starts_at),
        "ends_at": _dt(s.ends_at),
        "extensions": s.extensions,
        "status": s.status,
        "bid_count": len(s.bids),
        "live_bid_count": live,
        "best_price": best_overall,
        "sold_quantity": sum((lot.sold_quantity for lot in s.lots.values()), ZERO),
        "trade_count": s.trade_count,
        "deposits_held": sum((amount for _m, amount in s.holds.values()), ZERO),
        "version": s.version,
    }


def rfq_projection(s: RfqState) -> dict:
    status = "open" if s.open else s.close_reason.value
    quotes = [
        {"quote_id": q.quote_id, "quoter": q.quoter, "price": str(q.price), "quantity": str(q.quantity)}
        for q in s.quotes.values()
        if q.status == QUOTE_ACTIVE
    ]
    return {
        "side": s.side.value,
        "quantity": s.quantity,
        "remaining": s.remaining,
        "expires_at": _dt(s.expires_at),
        "status": status,
        "quotes": quotes,
        "trade_count": s.trade_count,
        "version": s.version,
    }


PROJECTIONS = {"listing": listing_projection, "auction": auction_projection, "rfq": rfq_projection}


def row_values(row, fields) -> dict:
    return {field: getattr(row, field) for field in fields}
