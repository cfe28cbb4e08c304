"""What one winning `checkoutComplete` costs: SQL statements, Python CPU and PostgreSQL CPU.

    .venv/bin/python benchmarks/checkout_complete_cost.py [--completions 200] [--rounds 5]
        [--broker redis://127.0.0.1:6379/14] [--profile FILE]

The race (checkout_race.py) says how fast buyers get orders on this machine; this says where a
single order's time goes, without the noise of 200 clients on two cores. Prepares paid
checkouts (1 unit, village delivery, card) of a variant with plenty of stock, completes ten to
warm up, then completes the rest through /graphql/ in this process (Django's request handler,
middleware, GraphQL, the service), in rounds, and reports per completion: statements, CPU of this
process and CPU of its PostgreSQL backend (read from /proc, so PostgreSQL must run on this
machine). With --broker the settlement task is published after commit as in production (nothing
consumes it here: the queue is purged at the end). With --profile, cProfile records the measured
rounds into FILE (read it with `python -m pstats FILE`; the CPU figures then include cProfile's cost).

Uses BENCH_DATABASE_URL, or a `meidu_bench_checkout` database on the embedded PostgreSQL.
"""

import argparse
import cProfile
import gc
import json
import os
import statistics
import sys
import time

os.environ["CHECKOUT_RESERVATION_MINUTES"] = "0"
if "--broker" in sys.argv:
    os.environ["CELERY_BROKER_URL"] = sys.argv[sys.argv.index("--broker") + 1]

import checkout_race  # noqa: E402  (its preparation: the same buyers, shop and checkouts)
from _report import report  # noqa: E402


def _backend_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--completions", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--broker", default="")
    parser.add_argument("--profile", default="", help="write cProfile stats of the measured rounds here")
    args = parser.parse_args()
    checkout_race.setup("meidu_bench_checkout")
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    warmups = 10
    prepared, _variant, _shop, _warm = checkout_race._prepare(
        args.completions + warmups + 1, 2 * (args.completions + warmups + 1)
    )
    client = Client()

    def complete(checkout_id: str, token: str) -> None:
        response = client.post(
            "/graphql/",
            json.dumps({"query": checkout_race.COMPLETE, "variables": {"id": checkout_id}}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        if not response.json()["data"]["checkoutComplete"]["orders"]:
            raise SystemExit(f"a completion failed: {response.json()}")

    for pair in prepared[:warmups]:
        complete(*pair)
    with CaptureQueriesContext(connection) as captured:
        complete(*prepared[warmups])
    statements = len(captured.captured_queries)  # read now: the next request resets the connection's log
    print(f"statements per completion: {statements} (BEGIN and COMMIT included)")
    if os.environ.get("SHOW_SQL"):
        for q in captured.captured_queries:
            print("  ", q["time"], q["sql"][:220])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    gc.collect()
    gc.freeze()  # as meidu/wsgi.py does for a web worker
    rest = prepared[warmups + 1 :]
    size = max(1, len(rest) // args.rounds)
    app, database = [], []
    profiler = cProfile.Profile() if args.profile else None
    for start in range(0, size * args.rounds, size):
        chunk = rest[start : start + size]
        cpu, pg = time.process_time(), _backend_cpu_seconds(backend)
        if profiler:
            profiler.enable()
        for pair in chunk:
            complete(*pair)
        if profiler:
            profiler.disable()
        app.append((time.process_time() - cpu) / len(chunk) * 1000)
        database.append((_backend_cpu_seconds(backend) - pg) / len(chunk) * 1000)
    print(
        f"per completion, {args.rounds} rounds of {size}: app CPU median {statistics.median(app):.1f} ms "
        f"(rounds {', '.join(f'{v:.1f}' for v in app)}); "
        f"PostgreSQL backend CPU median {statistics.median(database):.1f} ms "
        f"(rounds {', '.join(f'{v:.1f}' for v in database)})"
    )
    path = "`checkoutComplete`, one winner in process"
    report(path, "SQL statements", str(statements))
    report(path, "app CPU median", f"{statistics.median(app):.1f} ms")
    report(path, "PostgreSQL backend CPU median", f"{statistics.median(database):.1f} ms")
    if profiler:
        profiler.dump_stats(args.profile)
    if args.broker:
        from meidu.celery import app as celery_app

        celery_app.control.purge()


if __name__ == "__main__":
    main()
