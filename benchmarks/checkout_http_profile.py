"""Where the checkout mix's time goes: the same requests as benchmarks/load/checkout.py (cart to cash on
delivery), sent in this process through Django's request handler, per request name: SQL statements, CPU of
this process and of its PostgreSQL backend, per order in total.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/meidu_load \\
      .venv/bin/python benchmarks/checkout_http_profile.py [--orders 100] [--show-sql checkoutComplete]
        [--profile FILE]

Uses the HTTP load test's preparation (benchmarks/load/prepare.py: new buyers, the hot products with stock
added) on a database seeded by `meidu seed` (run benchmarks/http_load.py once first). Ten orders warm up,
then `--orders` are measured one after another (no concurrency: the cost of the work itself, without two
cores shared by a server, PostgreSQL and a load generator). Settings as the web workers run them
(meidu.settings.base, demo mode for the generated secrets, DEBUG off, cache on Redis db 7); tasks run
eagerly (no broker), as in the HTTP load test's server. `--show-sql NAME[,NAME]` prints the statements of one
request of each name; `--profile FILE` writes cProfile stats of the measured orders (read them with
`python -m pstats FILE`; timed in CPU seconds of this process, so waits on PostgreSQL are left out; the CPU
figures then include cProfile's cost).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import random
import statistics
import sys
import time

os.environ.update(
    DJANGO_SETTINGS_MODULE="meidu.settings.base",
    MEIDU_MODE="demo",
    DEBUG="0",
    PUBLIC_URL="http://127.0.0.1",
    SECURE_SSL_REDIRECT="0",
)
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
os.environ.pop("CELERY_BROKER_URL", None)

from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "load"))
from documents import (  # noqa: E402
    CASH_ON_DELIVERY,
    CHECKOUT_COMPLETE,
    CHECKOUT_CREATE,
    CHECKOUT_DELIVERY,
    CHECKOUT_PAY,
)

DATABASE_NAME = (os.environ.get("BENCH_DATABASE_URL") or "/meidu_bench_load").rsplit("/", 1)[-1].split("?")[0]


def _backend_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Meter:
    """Sends a GraphQL request in process and keeps, per request name, statements and CPU."""

    def __init__(self, backend: int, show_sql: str):
        from django.test import Client

        self.client, self.backend, self.show_sql = Client(), backend, set(filter(None, show_sql.split(",")))
        self.costs: dict[str, list[tuple[int, float, float]]] = {}
        self.recording = False

    def __call__(self, name: str, query: str, variables: dict, token: str) -> dict:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        body = json.dumps({"query": query, "variables": variables})
        cpu, pg = time.process_time(), _backend_cpu_seconds(self.backend)
        with CaptureQueriesContext(connection) as captured:
            response = self.client.post(
                "/graphql/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
            )
        app, db = time.process_time() - cpu, _backend_cpu_seconds(self.backend) - pg
        payload = response.json()
        value = next(iter((payload.get("data") or {}).values()), None)
        if response.status_code != 200 or payload.get("errors") or not value or value.get("errors"):
            raise SystemExit(f"{name} failed: {payload}")
        if self.recording:
            self.costs.setdefault(name, []).append((len(captured.captured_queries), app * 1000, db * 1000))
            if name in self.show_sql:
                self.show_sql = self.show_sql - {name}
                print(f"statements of one {name}:")
                for query in captured.captured_queries:
                    print(f"  {query['time']} {query['sql'][:300]}")
        return value


def order(send, fixture: dict, rng: random.Random, token: str, n: int) -> None:
    """One order as benchmarks/load/checkout.py places it (the address in checkoutCreate's input)."""
    shop = rng.choice(fixture["shops"])
    variants = rng.sample(shop["variants"], min(len(shop["variants"]), rng.choice((1, 1, 2))))
    lines = [{"variantId": v, "quantity": rng.choice((1, 1, 2))} for v in variants]
    created = send(
        "checkoutCreate",
        CHECKOUT_CREATE,
        {"input": {"channel": "rural", "lines": lines, "shippingAddress": fixture["address"]}},
        token,
    )
    checkout = created["checkout"]["id"]
    for delivery in created["checkout"]["deliveries"]:
        method = next(m for m in delivery["shippingMethods"] if m["kind"] == "county")
        send(
            "checkoutDeliveryMethodUpdate",
            CHECKOUT_DELIVERY,
            {"id": checkout, "m": method["id"], "shop": delivery["shop"]["id"]},
            token,
        )
    send(
        "transactionInitialize (COD)",
        CHECKOUT_PAY,
        {"id": checkout, "gateway": CASH_ON_DELIVERY, "key": f"profile-{n}-{time.time()}"},
        token,
    )
    send("checkoutComplete", CHECKOUT_COMPLETE, {"id": checkout}, token)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--buyers", type=int, default=20)
    parser.add_argument("--show-sql", default="", help="print the statements of one request of these names (a,b)")
    parser.add_argument("--profile", default="", help="write cProfile stats of the measured orders here")
    args = parser.parse_args()
    setup(DATABASE_NAME)
    from django.db import connection
    from load import prepare

    fixture = prepare.checkout(args.buyers, hot_products=12, units=10 * args.orders)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        send = Meter(cursor.fetchone()[0], args.show_sql)
    rng = random.Random(1)
    for n in range(10):
        order(send, fixture, rng, fixture["buyers"][n % len(fixture["buyers"])], n)
    gc.collect()
    gc.freeze()  # as meidu/wsgi.py does for a web worker
    send.recording = True
    # CPU time, not wall time: what this process computes, without its waits on PostgreSQL
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    if profiler:
        profiler.enable()
    for n in range(args.orders):
        order(send, fixture, rng, fixture["buyers"][n % len(fixture["buyers"])], 10 + n)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    print(f"{args.orders} orders, one after another, in process; load average {os.getloadavg()[0]:.2f}")
    print(f"{'request':<32} {'per order':>9} {'statements':>10} {'app CPU ms':>10} {'PG CPU ms':>9}")
    total = [0.0, 0.0, 0.0]
    for name, costs in send.costs.items():
        per_order = len(costs) / args.orders
        statements = statistics.median(c[0] for c in costs)
        # means: PostgreSQL's CPU is read from /proc in 10 ms ticks, so a median of one request is 0 or 10
        app, db = statistics.fmean(c[1] for c in costs), statistics.fmean(c[2] for c in costs)
        total[0] += per_order * statements
        total[1] += per_order * statistics.fmean(c[1] for c in costs)
        total[2] += per_order * statistics.fmean(c[2] for c in costs)
        print(f"{name:<32} {per_order:>9.2f} {statements:>10.0f} {app:>10.1f} {db:>9.1f}")
    print(
        f"per order: {total[0]:.0f} statements, app CPU {total[1]:.1f} ms, PostgreSQL CPU {total[2]:.1f} ms "
        f"(means); on 2 cores that is at most {2000 / (total[1] + total[2]):.0f} orders/s with nothing else running"
    )
    report(
        "checkout mix in process (create with the address, delivery, cash on delivery, complete)",
        "per order: statements, app CPU, PostgreSQL CPU",
        f"{total[0]:.0f} statements, app {total[1]:.1f} ms, PostgreSQL {total[2]:.1f} ms",
    )
    print(f"after the run: {prepare.checkout_check(fixture)}")


if __name__ == "__main__":
    main()
