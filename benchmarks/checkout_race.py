"""200 buyers race through the API for 50 units of one variant spread over two warehouses.

    .venv/bin/python benchmarks/checkout_race.py [--buyers 200] [--units 50] [--workers 4]
        [--broker redis://127.0.0.1:6379/14]

Prepares, through the services, one farmer shop whose variant has units/2 in each of two
warehouses, and one checkout per buyer (1 unit, village delivery, paid by the offline card
gateway: charged before completion). Starts gunicorn on this database (benchmarks/_http.py's
serve, with this script's own settings) and fires every
buyer's `checkoutComplete` at once from as many client threads (a barrier releases them
together). Reports units sold, orders created, oversold units (must be 0), orders per
second over the sale (orders created / time from the first request to the last order's
answer) and over the whole race (orders / time to the last answer, losers included),
completions per second, and p50/p95 latency of `checkoutComplete` as the clients saw it.
Then cancels a tenth of the orders (refunds) and checks the ledger: every posting set sums
to zero, per currency, and each order's settlement matches its money.

With `--broker` (or CELERY_BROKER_URL) the seller-settlement postings run where production
runs them, in a Celery worker after commit (started here, at nice 10, beside gunicorn on the
same cores); the script waits for the worker to catch up before checking the ledger and says
how long that took. Without a broker they are posted inside each completion.

Uses BENCH_DATABASE_URL, or a `meidu_bench_checkout` database on the embedded PostgreSQL. Each run
adds its own shop, buyers and checkouts beside earlier runs' data, then vacuums and analyses the
database (as autovacuum would) before the race.
"""

import argparse
import atexit
import http.client
import json
import os
import socket
import statistics
import sys
import threading
import time
from decimal import Decimal

os.environ["CHECKOUT_RESERVATION_MINUTES"] = "0"  # reservations would stop the race at the cart


def _broker_from_argv() -> str:
    """--broker is needed before Django's settings load (they read CELERY_BROKER_URL once)."""
    for i, arg in enumerate(sys.argv):
        if arg == "--broker" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if arg.startswith("--broker="):
            return arg.split("=", 1)[1]
    return os.environ.get("CELERY_BROKER_URL", "")


if _broker_from_argv():
    os.environ["CELERY_BROKER_URL"] = _broker_from_argv()

from _http import ROOT, celery_worker, cpu_seconds, free_port, process_roles, serve, stop  # noqa: E402
from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

COMPLETE = "mutation($id: ID) { checkoutComplete(id: $id) { orders { number } errors { code } } }"
GOAL_ORDERS_PER_SECOND = 150


def _prepare(buyers: int, units: int, warmups: int = 0):
    """(checkout global id, access token) per buyer, the raced variant, the shop, and `warmups` more
    paid checkouts of another product with plenty of stock (they warm every web worker up first)."""
    from graphql_relay import to_global_id

    from logistics.geography.models import Town
    from logistics.geography.services import geography_load_county
    from marketplace.channels.services import channel_ensure
    from marketplace.checkout.services import (
        checkout_create,
        checkout_delivery_method_update,
        checkout_shipping_address_update,
    )
    from marketplace.inventory.services import stock_update, warehouse_create
    from marketplace.payments.services import transaction_initialize
    from marketplace.shipping.models import DeliveryZone
    from marketplace.shipping.services import delivery_zone_create, shipping_method_enable
    from meidu.accounts.jwt import create_access_token
    from meidu.accounts.models import User
    from meidu.accounts.services import account_register
    from tests.marketplace.checkout.helpers import ADDRESS
    from tests.marketplace.factories import listed_product

    if not Town.objects.exists():
        geography_load_county()
    _, rural = channel_ensure("retail", "县城商超"), channel_ensure("rural", "乡村好物")
    if not DeliveryZone.objects.filter(kind="county").exists():
        delivery_zone_create(
            actor=None,
            name="全县",
            kind="county",
            base_fee="3.00",
            fee_per_extra_kg="1.00",
            towns=list(Town.objects.all()),
        )
    run = int(time.time())
    owner = account_register(phone=f"137{run % 10**8:08d}", password="bench-pass-2026", roles=())
    shop = _race_shop(owner, run)
    product = listed_product(
        shop, owner, rural, name="最后一批南果梨", price="12.50", quantity=units - units // 2, sku=f"RACE-{run}"
    )
    variant = product.variants.get()
    second = warehouse_create(shop, actor=owner, name="第二仓", kind="home")
    stock_update(second, variant, actor=owner, quantity=units // 2)
    method = shipping_method_enable(shop, actor=owner, kind="county")
    plenty = listed_product(
        shop, owner, rural, name="南果梨（热身）", price="12.50", quantity=warmups + 1, sku=f"WARM-{run}"
    ).variants.get()
    prepared, warm = [], []
    started = time.perf_counter()
    for n in range(buyers + warmups):
        buyer = User.objects.create_user(phone=f"+86136{run % 10**4:04d}{n:04d}", password=None)
        checkout = checkout_create(channel=rural, user=buyer, lines=[(variant if n < buyers else plenty, 1)])
        checkout_shipping_address_update(checkout, dict(ADDRESS))
        checkout_delivery_method_update(checkout, shipping_method=method)
        transaction_initialize(
            checkout_token=checkout.pk,
            gateway_id="meidu.payments.offline",
            action="CHARGE",
            idempotency_key=f"race-{n}",
            user=buyer,
        )
        (prepared if n < buyers else warm).append(
            (to_global_id("Checkout", str(checkout.pk)), create_access_token(buyer))
        )
    print(f"{buyers} paid checkouts (and {warmups} to warm up) prepared in {time.perf_counter() - started:.1f} s")
    _vacuum()
    return prepared, variant, shop, warm


def _vacuum() -> None:
    """VACUUM (ANALYZE) after the preparation, as autovacuum keeps a production database. Some
    servers run with autovacuum off (this VM's PostgreSQL does): earlier runs then leave thousands of
    dead checkout rows and stale statistics behind, which the completion's generic plans are chosen
    on, and each run is slower than the last (20% after ~25 runs, measured)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        if cursor.fetchone()[0] != "on":
            print("autovacuum is off on this server: vacuuming and analysing before the race")
        cursor.execute("VACUUM (ANALYZE)")


def _race_shop(owner, run: int):
    """A fresh, approved farmer shop (a new ID number each run: one shop per identity and kind)."""
    from marketplace.catalog import services as catalog
    from marketplace.shops.services import shop_apply, shop_transition
    from tests.marketplace.factories import catalogue_basics, valid_id_number

    for n in range(run % 1000, run % 1000 + 1000):
        try:
            shop = shop_apply(
                owner,
                name=f"抢购果园{run}",
                kind="microshop",
                track="farmer_light",
                real_name="李建国",
                id_number=valid_id_number(n),
                payout_account_name="李建国",
                payout_account_number="6222020000000001",
                accept_terms=True,
                offers_delivery=True,
            )
            break
        except Exception:  # that identity already has a shop from an earlier run
            continue
    catalog.product_create(shop, actor=owner, product_type=catalogue_basics()["produce"], name="样品")
    shop = shop_transition(shop, "submit", actor=owner)
    return shop_transition(shop, "approve", actor=None)


class _CpuSampler(threading.Thread):
    """Reads every role's CPU every 20 ms during the race, so the CPU of the sale alone (first
    request to last order) can be told from the refusals after it."""

    def __init__(self, pids: dict[str, list[int]]):
        super().__init__(daemon=True)
        self.pids, self.samples, self.stopped = pids, [], threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.samples.append((time.perf_counter(), cpu_seconds(lambda: self.pids)))
            self.stopped.wait(0.02)

    def used(self, start: float, end: float) -> dict[str, float]:
        before = max(
            (sample for sample in self.samples if sample[0] <= start),
            key=lambda sample: sample[0],
            default=self.samples[0],
        )
        after = min(
            (sample for sample in self.samples if sample[0] >= end),
            key=lambda sample: sample[0],
            default=self.samples[-1],
        )
        return {role: after[1][role] - before[1][role] for role in after[1]}


def _cpu_line(used: dict[str, float], seconds: float) -> str:
    return (
        f"gunicorn {used['gunicorn']:.2f} s, PostgreSQL {used['postgres']:.2f} s, client {used['client']:.2f} s, "
        f"Celery worker {used['celery']:.2f} s; "
        f"whole machine {used['machine']:.2f} s (of {2 * seconds:.2f} s on 2 cores)"
    )


def _worker_ready(timeout: float = 60) -> None:
    """Wait for the worker to answer a ping, so its start-up is not counted in the race."""
    from meidu.celery import app

    deadline = time.time() + timeout
    while time.time() < deadline:
        if app.control.ping(timeout=1):
            return
    raise SystemExit("the Celery worker did not start")


def _settled(shop) -> tuple[int, int]:
    """(orders whose settlement matches their money, orders)."""
    from django.db.models import F

    from marketplace.orders.models import Order

    orders = Order.objects.filter(shop=shop)
    matching = orders.filter(
        settlement__charged_amount=F("charged_amount"), settlement__refunded_amount=F("refunded_amount")
    )
    return matching.count(), orders.count()


def _wait_settled(shop, timeout: float = 300) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        done, total = _settled(shop)
        if done == total:
            return time.perf_counter() - started
        time.sleep(0.2)
    raise SystemExit(f"settlement did not catch up in {timeout:.0f} s ({_settled(shop)})")


def _race(port: int, prepared) -> tuple[list, float]:
    """Every buyer's request, released together. Each buyer connects and has its request's bytes ready
    before the barrier (as 200 phones would), so the client's share of these 2 cores at the start
    of the sale is a send and a read, not 200 Python HTTP stacks building requests."""
    barrier = threading.Barrier(len(prepared))
    results = []

    def buy(checkout_id, token):
        body = json.dumps({"query": COMPLETE, "variables": {"id": checkout_id}}).encode()
        request = (
            f"POST /graphql/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode() + body
        with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
            barrier.wait()
            started = time.perf_counter()
            sock.sendall(request)
            response = http.client.HTTPResponse(sock)
            response.begin()
            payload = json.loads(response.read())
        results.append((time.perf_counter() - started, started, payload))

    threads = [threading.Thread(target=buy, args=pair) for pair in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first_start = min(started for _, started, _ in results)
    last_end = max(started + elapsed for elapsed, started, _ in results)
    return results, last_end - first_start


def _ledger_balanced() -> tuple[int, bool]:
    from django.db.models import Sum

    from meidu.core.ledger.models import LedgerPosting

    sums = LedgerPosting.objects.values("transaction_id", "account__currency").annotate(total=Sum("amount"))
    return len(sums), all(row["total"] == 0 for row in sums)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--broker", default="", help="Celery broker: settlement postings in a worker after commit")
    args = parser.parse_args()
    setup("meidu_bench_checkout")
    from django.conf import settings

    in_worker = settings.FOLLOW_UPS_IN_WORKER
    prepared, variant, shop, warm = _prepare(args.buyers, args.units, warmups=10 * args.workers)
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # the settings this script runs with, not server_env's
    worker = celery_worker(env) if in_worker else None
    if worker is not None:
        atexit.register(stop, worker)
        _worker_ready()
    port = free_port()
    server = serve(port, args.workers, env, probe="/graphql/")
    atexit.register(stop, server)
    # A sale opens on a running shop: every worker has served checkouts before (imports, catalogs,
    # connections to PostgreSQL and the broker, prepared statements), so the race does not measure
    # start-up. Ten each, released together in two rounds.
    warmed = _race(port, warm[: len(warm) // 2])[0] + _race(port, warm[len(warm) // 2 :])[0]
    if not all(((p.get("data") or {}).get("checkoutComplete") or {}).get("orders") for _, _, p in warmed):
        raise SystemExit("warm-up checkouts failed")
    try:
        worker_pid = worker.pid if worker is not None else None
        sampler = _CpuSampler(process_roles(server.pid, None, {"celery": worker_pid})())
        sampler.start()
        results, wall = _race(port, prepared)
        time.sleep(0.02)
        sampler.stopped.set()
        sampler.join()
        first_start = min(started for _, started, _ in results)
        print(f"CPU during the race: {_cpu_line(sampler.used(first_start, first_start + wall), wall)}")
        won = [
            started + elapsed
            for elapsed, started, payload in results
            if ((payload.get("data") or {}).get("checkoutComplete") or {}).get("orders")
        ]
        if won:
            sale = max(won) - first_start
            print(f"CPU during the sale: {_cpu_line(sampler.used(first_start, max(won)), sale)}")
        if worker is not None:
            print(f"settlement postings caught up {_wait_settled(shop):.1f} s after the race (Celery worker)")
    finally:
        stop(server)

    from marketplace.inventory.models import Stock
    from marketplace.orders.models import Order
    from marketplace.orders.services.lifecycle import order_cancel

    codes = {}
    for _, _, payload in results:
        data = payload.get("data", {}).get("checkoutComplete") or {}
        code = "OK" if data.get("orders") else ",".join(e["code"] for e in data.get("errors") or []) or "HTTP_ERROR"
        codes[code] = codes.get(code, 0) + 1
    stocks = list(Stock.objects.filter(variant=variant))
    allocated = sum(stock.quantity_allocated for stock in stocks)
    on_hand = sum(stock.quantity for stock in stocks)
    orders = list(Order.objects.filter(shop=shop, lines__variant=variant).distinct())
    latencies = sorted(elapsed * 1000 for elapsed, _, _ in results)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    first_start = min(started for _, started, _ in results)
    won = [
        started + elapsed
        for elapsed, started, payload in results
        if ((payload.get("data") or {}).get("checkoutComplete") or {}).get("orders")
    ]
    sale = (max(won) - first_start) if won else wall
    refused = sorted(
        started + elapsed - first_start
        for elapsed, started, payload in results
        if not ((payload.get("data") or {}).get("checkoutComplete") or {}).get("orders")
    )
    ends = sorted(end - first_start for end in won)
    if ends:
        marks = ", ".join(
            f"{n} by {ends[n - 1] * 1000:.0f} ms" for n in sorted({1, len(ends) // 4, len(ends) // 2, len(ends)}) if n
        )
        print(
            f"orders answered: {marks}; first refusal answered at {refused[0] * 1000:.0f} ms"
            if refused
            else f"orders answered: {marks}"
        )
    print(f"answers: {codes}")
    print(f"units sold {allocated} of {on_hand}; orders created {len(orders)}; oversold {max(0, allocated - on_hand)}")
    print(
        f"sale (first request to last order) {sale:.2f} s: {len(orders) / sale:.0f} orders/s "
        f"(goal >= {GOAL_ORDERS_PER_SECOND} orders/s)"
    )
    print(
        f"race (first request to last answer) {wall:.2f} s: {len(orders) / wall:.0f} orders/s, "
        f"{len(results) / wall:.0f} completions/s"
    )
    print(
        f"checkoutComplete latency: p50 {statistics.median(latencies):.0f} ms, "
        f"p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms"
    )
    for order in orders[: max(1, len(orders) // 10)]:
        order_cancel(order, actor=None, reason="benchmark refund round")
    if worker is not None:
        try:
            print(f"refund postings caught up in {_wait_settled(shop):.1f} s")
        finally:
            stop(worker)
    settled, total = _settled(shop)
    print(f"orders whose settlement matches their money: {settled} of {total}")
    refunded = sum((o.refunded_amount for o in Order.objects.filter(shop=shop)), Decimal(0))
    count, balanced = _ledger_balanced()
    print(
        f"after cancelling {max(1, len(orders) // 10)} orders (refunded {refunded}): "
        f"{count} posting sets, all sum to zero: {balanced}"
    )
    path = f"`checkoutComplete` race: {args.buyers} buyers for {args.units} units, {args.workers} workers"
    rate = len(orders) / sale
    goal = f">= {GOAL_ORDERS_PER_SECOND} orders/s"
    report(path, "orders/s over the sale", f"{rate:.0f} orders/s", goal, rate >= GOAL_ORDERS_PER_SECOND)
    report(path, "oversold units", str(max(0, allocated - on_hand)), "0", allocated <= on_hand)
    report(path, "completions/s over the race", f"{len(results) / wall:.0f}/s, p95 {p95:.0f} ms")
    report(
        path,
        "ledger balanced, settlements matching",
        f"{balanced}, {settled} of {total}",
        "all",
        balanced and settled == total,
    )


if __name__ == "__main__":
    main()
