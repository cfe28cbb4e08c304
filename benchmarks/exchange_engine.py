"""Throughput of the exchange's pure trading core in process (no database, no Django):

* bids per second on one auction and across 100 auctions (goal ≥ 50,000 bids/s), for a lot that
  takes every bid ("open" book) and for a contested lot where each bid pushes weaker ones out;
* clearing time of an auction with 10,000 live bids (goal ≤ 200 ms): `auction_clear` builds the
  closing events, `apply` folds them into the state;
* replaying a bid journal, and the JSON form (`to_dict`) the service journal will store.

    .venv/bin/python benchmarks/exchange_engine.py [--bids 20000] [--auctions 100] [--clear-bids 10000] [--repeat 5]

Bids are generated before the clock starts (seeded, so runs are comparable); "execute" is decide +
apply of one PlaceBid, "with command" adds building the frozen command object as a service would.
"wall" is elapsed time, "cpu" the process's CPU time (steadier when other work shares the cores).
"""

import argparse
import gc
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _report import report  # noqa: E402

from magnesium_exchange.engine import (  # noqa: E402
    AuctionKind,
    LotSpec,
    MarketRules,
    OpenAuction,
    PlaceBid,
    auction_clear,
    execute,
    replay,
)

T0 = 1_796_000_000_000
HOUR = 3_600_000
RULES = MarketRules(price_tick=Decimal("0.01"))
REFERENCE = Decimal("3000.00")
FUNDS = Decimal("100000000.00")


def open_auction(auction_id: str, lot_tonnes: int):
    command = OpenAuction(
        auction_id,
        "seller",
        T0,
        AuctionKind.SALE,
        "FM97",
        (LotSpec("L1", Decimal(lot_tonnes), Decimal("2760.00")),),
        T0,
        T0 + 10 * HOUR,
        REFERENCE,
        rules=RULES,
        available_quantity=Decimal(lot_tonnes),
    )
    state, _ = execute(None, command)
    return state


def bid_specs(count: int, contested: bool, rng: random.Random) -> list[tuple]:
    """(bidder, price, tonnes) tuples: random prices in the band, or rising prices on a contested lot."""
    specs = []
    cents = 276_000
    for i in range(count):
        if contested:
            cents += rng.randint(1, 2)
            price = Decimal(cents).scaleb(-2)
        else:
            price = Decimal(rng.randint(276_000, 324_000)).scaleb(-2)
        specs.append((f"member-{i % 5000}-{i}", price, Decimal(rng.randint(1, 10))))
    return specs


def commands_for(auction_ids: list[str], specs: list[tuple]) -> list[PlaceBid]:
    n = len(auction_ids)
    return [
        PlaceBid(auction_ids[i % n], bidder, T0 + 1000 + i, "L1", price, tonnes, available_funds=FUNDS)
        for i, (bidder, price, tonnes) in enumerate(specs)
    ]


def run_bids(auction_count: int, specs: list[tuple], lot_tonnes: int, build: bool) -> tuple[float, float, dict]:
    """Bid through `execute`; the events are dropped as a service drops them once journaled (keeping
    80,000 of them alive only makes the garbage collector walk them)."""
    ids = [f"A{k}" for k in range(auction_count)]
    states = {auction_id: open_auction(auction_id, lot_tonnes) for auction_id in ids}
    if build:
        n = len(ids)
        started, cpu = time.perf_counter(), time.process_time()
        for i, (bidder, price, tonnes) in enumerate(specs):
            command = PlaceBid(ids[i % n], bidder, T0 + 1000 + i, "L1", price, tonnes, available_funds=FUNDS)
            state, events = execute(states[command.aggregate_id], command)
    else:
        commands = commands_for(ids, specs)
        started, cpu = time.perf_counter(), time.process_time()
        for command in commands:
            state, events = execute(states[command.aggregate_id], command)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, cpu, states


def clear_once(clear_bids: int, seed: int) -> tuple[float, float, int, int]:
    rng = random.Random(seed)
    state = open_auction("C", clear_bids * 10)  # every bid wins: 10,000 trades, the worst case
    for command in commands_for(["C"], bid_specs(clear_bids, False, rng)):
        state, _ = execute(state, command)
    live = sum(1 for bid in state.bids.values() if bid.status == "active")
    started, cpu = time.perf_counter(), time.process_time()
    events = auction_clear(state, T0 + 10 * HOUR)
    decided, decided_cpu = time.perf_counter() - started, time.process_time() - cpu
    state = replay(events, state)  # what execute(state, CloseAuction(...)) does after auction_clear
    applied, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert state.status == "closed" and state.holds == {}
    return (decided, decided_cpu), (applied, cpu), len(events), live


PATH = "exchange engine, pure core in process"


def row(name: str, value: str, goal: str = "") -> None:
    print(f"| {name:<58} | {value:>26} | {goal:<14} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bids", type=int, default=20_000)
    parser.add_argument("--auctions", type=int, default=100)
    parser.add_argument("--clear-bids", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    print(f"| {'measure':<58} | {'result':>26} | {'goal':<14} |")
    print(f"|{'-' * 60}|{'-' * 28}|{'-' * 16}|")
    for label, auctions, contested in (
        ("1 auction, open book", 1, False),
        ("1 auction, contested lot", 1, True),
        (f"{args.auctions} auctions, open book", args.auctions, False),
        (f"{args.auctions} auctions, contested lots", args.auctions, True),
    ):
        specs = bid_specs(args.bids, contested, random.Random(7))
        lot = 500 if contested else args.bids * 10
        for build in (False, True):
            rates, cpu_rates = [], []
            for _ in range(args.repeat):
                gc.collect()
                elapsed, cpu, result = run_bids(auctions, specs, lot, build)
                rates.append(args.bids / elapsed)
                cpu_rates.append(args.bids / cpu)
            kind = "execute + command" if build else "execute"
            row(
                f"bids/s, {label} ({kind})",
                f"{statistics.median(rates):,.0f} wall, {statistics.median(cpu_rates):,.0f} cpu",
                "≥ 50,000",
            )
            if not build:
                cpu_rate = statistics.median(cpu_rates)
                report(PATH, f"bids/s CPU, {label}", f"{cpu_rate:,.0f} bids/s", "≥ 50,000 bids/s", cpu_rate >= 50_000)
        if contested and auctions == 1:
            state = result["A0"]
            outbid = sum(1 for bid in state.bids.values() if bid.status == "outbid")
            row("  contested lot: bids pushed out while bidding", f"{outbid:,} of {args.bids:,}")

    decided, applied = [], []
    for k in range(args.repeat):
        gc.collect()
        decide_times, apply_times, event_count, live = clear_once(args.clear_bids, 100 + k)
        decided.append(decide_times)
        applied.append(apply_times)
    for label, times in (
        (f"auction_clear ({event_count:,} events)", decided),
        ("auction_clear + replay into state", applied),
    ):
        wall = statistics.median(t[0] for t in times) * 1000
        cpu = statistics.median(t[1] for t in times) * 1000
        row(f"clear {live:,} live bids: {label}", f"{wall:.0f} ms wall, {cpu:.0f} ms cpu", "≤ 200 ms")
        report(PATH, f"clear {live:,} live bids: {label}, CPU", f"{cpu:.0f} ms", "≤ 200 ms", cpu <= 200)

    opening = OpenAuction(
        "A0",
        "seller",
        T0,
        AuctionKind.SALE,
        "FM97",
        (LotSpec("L1", Decimal(args.bids * 10), Decimal("2760.00")),),
        T0,
        T0 + 10 * HOUR,
        REFERENCE,
        rules=RULES,
        available_quantity=Decimal(args.bids * 10),
    )
    state, journal = execute(None, opening)
    for command in commands_for(["A0"], bid_specs(args.bids, False, random.Random(7))):
        state, events = execute(state, command)
        journal += events
    gc.collect()
    started = time.perf_counter()
    rebuilt = replay(journal)
    elapsed = time.perf_counter() - started
    assert rebuilt == state
    row(
        f"replay a journal of {len(journal):,} events ({args.bids:,} bids)",
        f"{elapsed * 1000:.0f} ms ({len(journal) / elapsed:,.0f} events/s)",
    )
    started = time.perf_counter()
    for event in journal:
        event.to_dict()
    elapsed = time.perf_counter() - started
    row("to_dict of those events (the journal's JSON form)", f"{len(journal) / elapsed:,.0f} events/s")


if __name__ == "__main__":
    main()
