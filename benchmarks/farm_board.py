"""The farm price board and an item's 365-day trend with 3 years of daily prices for 50 items: server time.

    .venv/bin/python benchmarks/farm_board.py [--items 50] [--years 3] [--requests 200]

Seeds (bulk, once) 50 produce items x 3 markets x 3 years of daily prices (about 164,000 observations),
then GETs `/farm/` (today's board) and `/farm/items/<code>/?days=365` (the trend page with its SVG)
through django.test.Client in process (the time is the server's, no network) and reports the SQL queries
of one request (and their time), p50/p95 over ``--requests`` requests after a warm-up, and the median CPU
time of this process (the Python side alone, which other load on a shared machine does not inflate).
Goal: p95 <= 50 ms each.

Uses BENCH_DATABASE_URL, or a `meidu_bench` database on the embedded PostgreSQL.
"""

import argparse
import datetime as dt
import json
import math
import random
import statistics
import time
from decimal import Decimal

from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

GOAL_P95_MS = 50.0


def _seed(items: int, years: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from incubator.prices.models import Market, PriceObservation, ProduceItem

    ProduceItem.objects.exclude(code__startswith="board-").filter(posts__isnull=True).delete()  # only ours on the board
    ours = PriceObservation.objects.filter(item__code__startswith="board-")
    if (
        ProduceItem.objects.filter(code__startswith="board-").count() >= items
        and ours.count() >= items * 3 * 365 * years
    ):
        return
    started = time.perf_counter()
    ours.delete()
    PriceObservation.objects.filter(market__code__startswith="board-").delete()
    Market.objects.filter(code__startswith="board-").delete()
    ProduceItem.objects.filter(code__startswith="board-").delete()
    rows = ProduceItem.objects.bulk_create(
        [ProduceItem(code=f"board-{i}", name=f"农产品{i}", unit="jin", position=i) for i in range(items)]
    )
    markets = Market.objects.bulk_create(
        [
            Market(code="board-wholesale", name="批发市场", kind="wholesale", position=0),
            Market(code="board-town", name="镇大集", kind="town", position=1),
            Market(code="board-platform", name="平台成交", kind="platform", position=2),
        ]
    )
    rng = random.Random(7)
    today = timezone.localdate()
    batch = []
    for item in rows:
        base = rng.uniform(0.5, 8)
        for market in markets:
            for back in range(365 * years, 0, -1):
                day = today - dt.timedelta(days=back)
                price = base * (1 + 0.3 * math.sin(day.timetuple().tm_yday / 58)) * rng.uniform(0.97, 1.03)
                value = Decimal(str(round(price, 2)))
                batch.append(
                    PriceObservation(
                        item=item,
                        market=market,
                        day=day,
                        price=value,
                        entered_price=value,
                        entered_unit="jin",
                        source="sales" if market.kind == "platform" else "reporter",
                    )
                )
                if len(batch) >= 20000:
                    PriceObservation.objects.bulk_create(batch)
                    batch = []
    PriceObservation.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE farm_prices_priceobservation")
    print(f"seeded {PriceObservation.objects.count()} observations in {time.perf_counter() - started:.1f} s")


def _measure(client, url: str, requests: int) -> dict:
    from django.db import connection

    for _ in range(10):
        assert client.get(url).status_code == 200
    statements: list[float] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - started) * 1000)

    with connection.execute_wrapper(timed):
        client.get(url)
    times, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    times.sort()
    return {
        "url": url,
        "queries": len(statements),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "python_cpu_p50_ms": round(statistics.median(cpu), 1),
        "sql_ms_one_request": round(sum(statements), 1),
        "goal_p95_ms": GOAL_P95_MS,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    setup()
    from django.test import Client

    _seed(args.items, args.years)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    results = [
        _measure(client, "/farm/", args.requests),
        _measure(client, "/farm/items/board-0/?days=365", args.requests),
    ]
    print(json.dumps(results, indent=1))
    for result in results:
        report(
            f"GET {result['url']} ({args.items} items, {args.years} years of daily prices)",
            "p95",
            f"{result['p95_ms']} ms, {result['queries']} SQL",
            f"<= {GOAL_P95_MS:g} ms",
            result["p95_ms"] <= GOAL_P95_MS,
        )


if __name__ == "__main__":
    main()
