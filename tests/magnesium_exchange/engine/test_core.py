"""The core's contract: pure (no Django, clock, randomness or I/O), frozen messages, apply refuses
events out of sequence or of another aggregate, and clearing 10,000 bids stays fast."""

import ast
import dataclasses
import subprocess
import sys
import time
from decimal import Decimal as D
from pathlib import Path

import pytest

from magnesium_exchange.engine import (
    AuctionKind,
    BidPlaced,
    EngineError,
    ListingRepriced,
    LotSpec,
    MarketRules,
    OpenAuction,
    PickListing,
    PlaceBid,
    TradeExecuted,
    apply,
    auction_clear,
    decide,
    execute,
    replay,
)
from magnesium_exchange.engine import (
    EngineErrorCode as E,
)

from .support import RICH, T0, sale_auction, sell_listing

ENGINE = Path(__file__).resolve().parents[3] / "magnesium_exchange" / "engine"
ALLOWED_IMPORTS = {
    "__future__",
    "collections",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "heapq",
    "types",
    "typing",
}


def test_engine_imports_only_the_standard_library_it_needs():
    for path in ENGINE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in ALLOWED_IMPORTS, f"{path.name} imports {name}"
        source = path.read_text()
        for forbidden in ("datetime.now", "datetime.utcnow", "date.today", ".now()"):
            assert forbidden not in source, f"{path.name} reads the clock"


def test_importing_the_engine_loads_no_django():
    code = (
        "import sys, magnesium_exchange.engine; "
        "assert not [m for m in sys.modules if m.split('.')[0] in ('django', 'meidu', 'celery', 'psycopg')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ENGINE.parents[1])


def test_messages_are_frozen_and_keyword_constructible():
    command = PickListing(aggregate_id="L1", actor="b", now=T0, quantity=D("1"))
    assert command.available_funds is None and command.excluded_counterparties == frozenset()
    with pytest.raises(dataclasses.FrozenInstanceError):
        command.quantity = D("2")
    event = TradeExecuted("L1", 2, T0, "L1/T1", "listing", "FM97", "b", "s", D("1"), D("1"), D("1"), D("0"))
    assert event.lot_id is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.price = D("0")
    assert hash(event) == hash(TradeExecuted(**{f.name: getattr(event, f.name) for f in dataclasses.fields(event)}))


def test_apply_refuses_gaps_and_foreign_events():
    state, opened = sell_listing()
    with pytest.raises(EngineError) as refused:
        apply(state, ListingRepriced("L1", state.version + 2, T0, D("3000")))
    assert refused.value.code is E.OUT_OF_SEQUENCE
    with pytest.raises(EngineError) as refused:
        apply(state, ListingRepriced("other", state.version + 1, T0, D("3000")))
    assert refused.value.code is E.OUT_OF_SEQUENCE
    with pytest.raises(EngineError) as refused:
        apply(state, BidPlaced("L1", state.version + 1, T0, 9, "L1", "b", D("1"), D("1"), D("0"), None))
    assert refused.value.code is E.OUT_OF_SEQUENCE
    with pytest.raises(EngineError) as refused:
        apply(None, ListingRepriced("L1", 1, T0, D("3000")))
    assert refused.value.code is E.OUT_OF_SEQUENCE
    with pytest.raises(EngineError) as refused:
        replay(opened[:1] + opened[:1])
    assert refused.value.code is E.OUT_OF_SEQUENCE


def test_a_command_for_another_kind_of_aggregate_is_refused():
    state, _ = sell_listing()
    with pytest.raises(EngineError) as refused:
        decide(state, PlaceBid("L1", "b", T0, "L1", D("3000"), D("1"), available_funds=RICH))
    assert refused.value.code is E.INVALID_COMMAND


def test_time_never_runs_backwards_within_an_aggregate():
    state, _ = sale_auction()
    state, events = execute(state, PlaceBid("A1", "b1", T0 + 5000, "L1", D("3000"), D("10"), available_funds=RICH))
    state, events = execute(state, PlaceBid("A1", "b2", T0 + 4000, "L1", D("3001"), D("10"), available_funds=RICH))
    assert events[0].at == T0 + 5000


def test_clearing_10000_bids_is_fast_and_bidding_does_not_scan():
    rules = MarketRules(price_tick=D("0.01"))
    state, _ = execute(
        None,
        OpenAuction(
            "C",
            "seller",
            T0,
            AuctionKind.SALE,
            "FM97",
            (LotSpec("L1", D("100000"), D("2760.00")),),
            T0,
            T0 + 10**7,
            D("3000"),
            rules=rules,
            available_quantity=D("100000"),
        ),
    )
    started = time.perf_counter()
    for i in range(10_000):
        price = D(276_000 + (i * 7919) % 48_000).scaleb(-2)
        state, _ = execute(state, PlaceBid("C", f"m{i}", T0 + i, "L1", price, D(1 + i % 10), available_funds=RICH))
    bidding = time.perf_counter() - started
    started = time.perf_counter()
    events = auction_clear(state, T0 + 10**7)
    state = replay(events, state)
    clearing = time.perf_counter() - started
    assert sum(1 for e in events if isinstance(e, TradeExecuted)) == 10_000
    # the goals (≥ 50,000 bids/s, clearing ≤ 200 ms) are measured by benchmarks/exchange_engine.py on a quiet
    # machine; here a loose bound that only a quadratic step would break, even with other work on the cores
    assert bidding < 5 and clearing < 1.5, (bidding, clearing)
