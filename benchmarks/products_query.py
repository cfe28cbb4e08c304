"""The storefront products query on a large catalogue: SQL queries per page and server time.

    .venv/bin/python benchmarks/products_query.py [--products 100000] [--requests 200]

Seeds the demo marketplace (through the services) and N bulk products (bulk_create, see
marketplace/bulk_seed.py) unless enough exist, then POSTs the storefront query anonymously
to /graphql/ through django.test.Client (in process: the time is the server's, with no
network) and reports, per scenario, the SQL queries of one request and p50/p95 over
``--requests`` requests after a warm-up, with the median CPU time of this process (the
Python side alone, which other load on a shared machine does not inflate). Scenarios: the first page
(default sort: NAME), a deep page (the cursor walked ``--deep-pages`` pages of 100), and both sorted by PRICE.
``--explain`` prints EXPLAIN ANALYZE of each scenario's slowest SQL query.

Uses BENCH_DATABASE_URL, or a `meidu_bench` database on the embedded PostgreSQL.
Media renditions go to var/bench-media unless MEDIA_ROOT is set.
"""

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("MEDIA_ROOT", str(Path(__file__).resolve().parent.parent / "var" / "bench-media"))

from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

QUERY = """
query Products($first: Int!, $after: String, $sortBy: ProductOrder) {
  products(channel: "rural", first: $first, after: $after, sortBy: $sortBy) {
    edges { node {
      name
      pricing { priceRange { start { gross { amount currency } } } }
      thumbnail(size: 256) { url }
      category { name }
      shop { name }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
PRICE_ASC = {"field": "PRICE", "direction": "ASC"}
GOAL_QUERIES = 8
GOAL_P95_MS = 40.0


def _seed(products: int) -> None:
    from marketplace.bulk_seed import bulk_seed_count, bulk_seed_products, catalogue_analyze
    from marketplace.catalog.models import Product
    from meidu.demo_data import DEMO_STEPS

    if Product.objects.filter(slug__startswith="demo-").count() < 250:
        started = time.perf_counter()
        for _label, step in DEMO_STEPS:
            step()
        print(f"demo data seeded in {time.perf_counter() - started:.1f} s")
    if bulk_seed_count() < products:
        started = time.perf_counter()
        created = bulk_seed_products(products)
        print(f"{created} bulk products seeded in {time.perf_counter() - started:.1f} s")
    else:
        catalogue_analyze()  # planner statistics as a seeded database has them


class Runner:
    def __init__(self):
        from django.test import Client

        self.client = Client()

    def post(self, variables: dict) -> dict:
        response = self.client.post(
            "/graphql/", json.dumps({"query": QUERY, "variables": variables}), content_type="application/json"
        )
        content = response.json()
        if response.status_code != 200 or "errors" in content:
            raise SystemExit(f"query failed: {response.status_code} {content}")
        return content["data"]["products"]

    def cursor_after(self, pages: int, sort_by) -> str | None:
        after = None
        for _ in range(pages):
            page = self.post({"first": 100, "after": after, "sortBy": sort_by})
            after = page["pageInfo"]["endCursor"]
        return after

    def captured(self, variables: dict):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            page = self.post(variables)
        return page, context.captured_queries

    def timed(self, variables: dict, requests: int, warmup: int, budget_s: float) -> tuple[list[float], list[float]]:
        """``requests`` timed requests after ``warmup``; a slow scenario stops once its budget is spent.
        Returns wall-clock times and this process's CPU times (the Python side alone: no PostgreSQL,
        no waiting for a core, which other processes on a shared machine inflate)."""
        deadline = time.perf_counter() + budget_s
        for _ in range(warmup):
            self.post(variables)
            if time.perf_counter() > deadline:
                break
        times, cpu_times = [], []
        deadline = time.perf_counter() + budget_s
        for _ in range(requests):
            started, cpu_started = time.perf_counter(), time.process_time()
            self.post(variables)
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu_started) * 1000)
            if time.perf_counter() > deadline and len(times) >= 20:
                break
        return times, cpu_times


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100_000, help="bulk products to have (default 100000)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per scenario (default 200)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--deep-pages", type=int, default=10, help="pages of 100 walked before the deep page (default 10)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=90.0,
        help="seconds of timed requests per scenario at most (at least 20 requests; default 90)",
    )
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each scenario's slowest query")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() after start-up, as a tuned gunicorn worker would (shows the collector's share of p95)",
    )
    args = parser.parse_args()
    setup()
    _seed(args.products)
    if args.gc_freeze:
        import gc

        gc.collect()
        gc.freeze()

    from django.db import connection

    from marketplace.catalog.models import Product, ProductChannelListing

    total = Product.objects.count()
    rural = ProductChannelListing.objects.filter(channel__slug="rural", is_published=True).count()
    runner = Runner()
    scenarios = [
        ("first 10, sort NAME", {"first": 10}),
        ("first 100, sort NAME", {"first": 100}),
        (
            f"page {args.deep_pages + 1} (after {args.deep_pages * 100}), first 100, sort NAME",
            {"first": 100, "after": runner.cursor_after(args.deep_pages, None)},
        ),
        ("first 10, sort PRICE ASC", {"first": 10, "sortBy": PRICE_ASC}),
        ("first 100, sort PRICE ASC", {"first": 100, "sortBy": PRICE_ASC}),
        (
            f"page {args.deep_pages + 1} (after {args.deep_pages * 100}), first 100, sort PRICE ASC",
            {"first": 100, "sortBy": PRICE_ASC, "after": runner.cursor_after(args.deep_pages, PRICE_ASC)},
        ),
    ]
    print(
        f"{total} products, {rural} published in channel rural; PostgreSQL {connection.pg_version // 10000}; "
        f"up to {args.requests} timed requests per scenario after {args.warmup} warm-up"
        f"{'; gc.freeze()' if args.gc_freeze else ''}"
    )
    rows = []
    for label, variables in scenarios:
        page, queries = runner.captured(variables)
        assert len(page["edges"]) == variables["first"], (label, len(page["edges"]))
        times, cpu_times = runner.timed(variables, args.requests, args.warmup, args.budget)
        slowest = max(queries, key=lambda query: float(query["time"]))
        rows.append(
            (
                label,
                len(queries),
                len(times),
                statistics.median(times),
                _percentile(times, 0.95),
                float(slowest["time"]) * 1000,
                statistics.median(cpu_times),
            )
        )
        if args.explain:
            print(f"\n--- {label}: slowest query ({float(slowest['time']) * 1000:.1f} ms)\n{slowest['sql']}\n")
            print(_explain(slowest["sql"]))
    width = max(len(row[0]) for row in rows)
    print()
    print(
        f"| {'scenario':<{width}} | SQL queries | requests | p50 ms | p95 ms | slowest SQL ms | Python CPU p50 ms "
        f"| goal ≤{GOAL_QUERIES} queries, p95 ≤{GOAL_P95_MS:g} ms |"
    )
    print(
        f"|{'-' * (width + 2)}|-------------|----------|--------|--------|----------------|-------------------|------|"
    )
    for label, count, n, p50, p95, slowest_ms, cpu_p50 in rows:
        verdict = ("queries met" if count <= GOAL_QUERIES else "queries MISSED") + (
            ", p95 met" if p95 <= GOAL_P95_MS else ", p95 MISSED"
        )
        print(
            f"| {label:<{width}} | {count:>11} | {n:>8} | {p50:>6.1f} | {p95:>6.1f} | {slowest_ms:>14.1f} "
            f"| {cpu_p50:>17.1f} | {verdict} |"
        )
    for label, count, _n, _p50, p95, _slowest_ms, cpu_p50 in rows:
        path = f"`products(channel: \"rural\")` {label}, {total:,} products, in process"
        report(path, "SQL queries", str(count), f"≤ {GOAL_QUERIES}", count <= GOAL_QUERIES)
        report(
            path, "p95", f"{p95:.1f} ms (Python CPU p50 {cpu_p50:.1f} ms)", f"≤ {GOAL_P95_MS:g} ms", p95 <= GOAL_P95_MS
        )
    print(
        f"\nload average while measuring (1/5/15 min): {' / '.join(f'{value:.2f}' for value in os.getloadavg())} "
        f"on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
