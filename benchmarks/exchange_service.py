"""Bids through the trading SERVICE (row lock, engine, journal, ledger holds) and through the API.

    .venv/bin/python benchmarks/exchange_service.py [--service-bids 2000] [--bidders 50] [--api-bids 10] [--workers 4]

1. Service: `auction_bid` in one process on one sale auction (an open book: a 100,000 t lot, 10 t bids,
   every bidder raising its own bid by one tick), each bid in its own transaction: lock the auction row,
   load the state (this process keeps it after each commit), decide, append the journal, release the
   old deposit and freeze the new one on the ledger, project the row. Reports bids/s and the latency.
2. API: gunicorn (`--workers` processes) on the same database; an auction whose end is one minute
   away (bids in the final minute extend it, anti-sniping); `--bidders` client threads released
   together, each posting `--api-bids` `auctionBid` mutations one after the other with its own trader
   token. Reports p50/p99 latency as the clients saw it and the answers by error code.
Afterwards both auctions are rebuilt from their journals and compared with their rows.

Uses BENCH_DATABASE_URL (e.g. a scratch database on the machine PostgreSQL) or an embedded one.
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time
import urllib.request
from datetime import timedelta
from decimal import Decimal

from _setup import setup  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checkout_race import _free_port, _serve  # noqa: E402

BID = ("mutation($id: ID!, $p: Decimal!, $q: Decimal!) { auctionBid(id: $id, price: $p, quantity: $q) "
       "{ errors { code } } }")
REFERENCE = Decimal("3000.00")


def _prepare(bidders: int):
    from django.utils import timezone

    from magnesium_exchange.commodities.services import commodities_seed
    from magnesium_exchange.members.services import trader_add
    from magnesium_exchange.warehouses.services import warehouse_create, warehouse_staff_add
    from meidu.accounts.jwt import create_access_token
    from meidu.accounts.models import User
    from meidu.accounts.roles import Role
    from meidu.accounts.services import user_roles_set
    from meidu.integrations.services.apps import app_create
    from meidu.core.permissions import ExchangePermissions
    from tests.magnesium_exchange.records_factories import credit_code, fund, issue, make_member

    commodities_seed()
    from magnesium_exchange.commodities.models import Commodity

    fused = Commodity.objects.get(code="fused-magnesia")
    run = int(time.time()) % 10**6
    warehouse = warehouse_create(code=f"B{run}", name="基准监管仓", address="辽宁省海城市", keeper_name="基准仓储有限公司")
    keeper = User.objects.create_user(phone=f"+86135{run:06d}00", password=None)
    warehouse_staff_add(warehouse, keeper)
    operator = User.objects.create_user(phone=f"+86133{run:06d}00", password=None)
    user_roles_set(operator, [Role.OPERATOR.value])
    bank, _token = app_create(name=f"基准结算银行{run}", permissions=[ExchangePermissions.CONFIRM_FUNDS], actor=operator)
    seller = make_member(f"基准卖方{run}", credit_code=credit_code(run * 100 + 99))
    members, tokens = [], []
    for n in range(bidders):
        member = make_member(f"基准买方{run}-{n}", credit_code=credit_code(run * 100 + n))
        fund(member, "100000000.00", bank)
        user = User.objects.create_user(phone=f"+86134{run:06d}{n:02d}"[:16], password=None)
        trader_add(member, user, can_trade=True)
        members.append(member)
        tokens.append(create_access_token(user))
    receipts = [issue(warehouse, fused, seller, net="50000.000", actor=keeper) for _ in range(4)]
    return seller, members, tokens, receipts, timezone


def _auction(seller, receipts, minutes):
    from django.utils import timezone

    from magnesium_exchange.trading.services import auction_open

    now = timezone.now()
    return auction_open(member=seller, grade=receipts[0].grade, receipts=receipts, reserve_price=Decimal("2800"),
                        starts_at=now - timedelta(seconds=1), ends_at=now + timedelta(minutes=minutes),
                        min_bid_quantity=Decimal("10"), reference_price_fallback=REFERENCE)


def _service(seller, members, receipts, bids: int):
    from magnesium_exchange.trading.services import auction_bid

    auction = _auction(seller, receipts[:2], minutes=600)
    latencies = []
    started = time.perf_counter()
    for n in range(bids):
        member = members[n % len(members)]
        price = Decimal("2800") + n // len(members)
        t0 = time.perf_counter()
        auction_bid(auction, member=member, price=price, quantity=Decimal("10"))
        latencies.append((time.perf_counter() - t0) * 1000)
    wall = time.perf_counter() - started
    latencies.sort()
    print(f"service: {bids} bids on one auction in {wall:.2f} s = {bids / wall:.0f} bids/s; "
          f"latency p50 {statistics.median(latencies):.1f} ms, p99 {latencies[int(len(latencies) * 0.99) - 1]:.1f} ms")
    return auction


def _api(port, auction_id, tokens, per_bidder):
    barrier = threading.Barrier(len(tokens))
    results = []
    lock = threading.Lock()

    def bidder(i, token):
        barrier.wait()
        for round_ in range(per_bidder):
            price = 2800 + round_ * 10 + (i % 10)
            body = json.dumps({"query": BID, "variables": {"id": auction_id, "p": str(price), "q": "10"}}).encode()
            request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql/", data=body, method="POST", headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    payload = json.load(response)
                errors = (payload.get("data") or {}).get("auctionBid", {}).get("errors") if payload.get("data") else None
                code = "OK" if errors == [] else (errors[0]["code"] if errors else "GRAPHQL_ERROR")
            except Exception as exc:  # noqa: BLE001 - a benchmark reports every failure
                code = f"HTTP:{type(exc).__name__}"
            with lock:
                results.append(((time.perf_counter() - t0) * 1000, t0, code))

    threads = [threading.Thread(target=bidder, args=(i, token)) for i, token in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _warm_up(port, tokens, workers):
    """Each worker builds the schema on its first request: not part of a bid's latency."""
    body = json.dumps({"query": "{ auctions(status: \"open\") { id bidCount } }"}).encode()
    for token in tokens[: workers * 3]:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql/", data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()


def _consistent(auction) -> bool:
    from magnesium_exchange.trading.journal import auction_projection, row_values, state_rebuild
    from magnesium_exchange.trading.models import Auction, JournalEntry

    row = Auction.objects.get(pk=auction.pk)
    expected = auction_projection(state_rebuild("auction", row.pk))
    seqs = list(JournalEntry.objects.filter(aggregate_type="auction", aggregate_pk=row.pk).order_by("seq")
                .values_list("seq", flat=True))
    return row_values(row, expected) == expected and seqs == list(range(1, row.version + 1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--service-bids", type=int, default=2000)
    parser.add_argument("--bidders", type=int, default=50)
    parser.add_argument("--api-bids", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    setup("meidu_bench_exchange")
    started = time.perf_counter()
    seller, members, tokens, receipts, _tz = _prepare(args.bidders)
    print(f"{args.bidders} funded bidders and 200,000 t of receipts prepared in {time.perf_counter() - started:.1f} s")
    service_auction = _service(seller, members, receipts, args.service_bids)

    from graphql_relay import to_global_id

    api_auction = _auction(seller, receipts[2:], minutes=1)
    port = _free_port()
    server = _serve(port, args.workers)
    try:
        _warm_up(port, tokens, args.workers)
        results = _api(port, to_global_id("ExchangeAuction", str(api_auction.pk)), tokens, args.api_bids)
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = sorted(ms for ms, _, _ in results)
    codes = {}
    for _, _, code in results:
        codes[code] = codes.get(code, 0) + 1
    wall = max(t0 + ms / 1000 for ms, t0, _ in results) - min(t0 for _, t0, _ in results)
    print(f"api: {len(results)} auctionBid calls from {args.bidders} concurrent bidders in {wall:.2f} s "
          f"({len(results) / wall:.0f} bids/s); answers {codes}")
    print(f"api latency: p50 {statistics.median(latencies):.0f} ms, p99 {latencies[int(len(latencies) * 0.99) - 1]:.0f} ms, "
          f"max {latencies[-1]:.0f} ms (goal p99 <= 25 ms)")
    from magnesium_exchange.trading.models import Auction

    row = Auction.objects.get(pk=api_auction.pk)
    print(f"api auction: {row.bid_count} bids journalled, {row.extensions} anti-sniping extensions, "
          f"ends {row.ends_at:%H:%M:%S}")
    ok = _consistent(service_auction) and _consistent(api_auction)
    print(f"both auctions rebuilt from their journals equal their rows: {ok}")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
