"""The storefront listing `products(channel: "rural", first: 100)` over HTTP, without any response cache.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/meidu_perf \\
      .venv/bin/python benchmarks/products_http.py [--products 10000] [--clients 8] [--workers 2]
        [--seconds 20] [--rounds 1] [--before ../wt-main] [--redis redis://127.0.0.1:6379/8]

Issue 20's goal for work done afresh on every request: 2 gunicorn workers, 8 closed-loop clients,
>= 100 requests/s, <= 15 ms of server CPU (gunicorn + PostgreSQL) per request, p99 <= 100 ms.

1. Seeds the demo marketplace and ``--products`` bulk products unless they exist (products_query._seed).
2. Serves this tree with gunicorn (benchmarks/_http.py: production-like settings, the cache on Redis)
   and drives ``--clients`` closed-loop clients that POST the query a storefront's product list sends
   (name, slug, thumbnail, price range, category, shop, page info) anonymously.
3. With ``--before PATH`` (a git work tree of the code before a change, on the same database), serves
   that tree too, checks both answer byte for byte the same JSON, and measures the two alternately for
   ``--rounds`` rounds, so both readings share the machine's load of the moment.
4. Prints, per run: requests/s, p50/p90/p99, errors, CPU ms per request of the gunicorn workers, the
   PostgreSQL backends of the database, the client (this process) and the whole machine, and the load
   average before and after. CPU per request is the figure to trust on a shared machine: wall-clock
   throughput moves with whatever else the cores run.
"""

import argparse
import json
import os
import socket
import sys
import urllib.request
from pathlib import Path

from _http import ROOT, drive, process_roles, serve, server_env  # noqa: E402
from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

LISTING = """
query ProductList($channel: String!, $first: Int!, $after: String) {
  products(channel: $channel, first: $first, after: $after) {
    edges {
      node {
        id
        name
        slug
        thumbnail(size: 256) { url alt }
        pricing {
          onSale
          priceRange {
            start { gross { amount currency } }
            stop { gross { amount currency } }
          }
        }
        category { id name slug }
        shop { id name slug }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
GOAL_RPS, GOAL_CPU_MS, GOAL_P99_MS = 100.0, 15.0, 100.0
HOST = "127.0.0.1"  # one Host for every server, so the photo URLs (absolute) compare equal


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _body(first: int) -> bytes:
    return json.dumps({"query": LISTING, "variables": {"channel": "rural", "first": first}}).encode()


def _fetch(port: int, body: bytes) -> bytes:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql/", data=body, headers={"Content-Type": "application/json", "Host": HOST}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def _requests(body: bytes, first: int):
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body)), "Host": HOST}

    def make(_rng):
        return "POST", "/graphql/", body, headers

    def check(status: int, payload: bytes) -> bool:
        if status != 200:
            return False
        content = json.loads(payload)
        return "errors" not in content and len(content["data"]["products"]["edges"]) == first

    return make, check


def _database_name() -> str:
    from django.db import connection

    return connection.settings_dict["NAME"]


def _row(label: str, result: dict, load_after: float) -> str:
    cpu = result["cpu_ms_per_request"]
    server = cpu["gunicorn"] + cpu["postgres"]
    return (
        f"| {label} | {result['rps']:.1f} | {result['p50_ms']:.0f} | {result['p90_ms']:.0f} "
        f"| {result['p99_ms']:.0f} | {result['errors']} | {cpu['gunicorn']:.2f} | {cpu['postgres']:.2f} "
        f"| **{server:.2f}** | {cpu['client']:.2f} | {cpu['machine']:.2f} "
        f"| {result['load_before']:.2f} → {load_after:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=10_000, help="bulk products to have (default 10000)")
    parser.add_argument("--first", type=int, default=100)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per run (default 20)")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=1, help="runs of each tree, alternating (default 1)")
    parser.add_argument("--before", type=Path, help="a work tree of the code before the change, served alike")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/8")
    args = parser.parse_args()
    setup()
    from products_query import _seed

    _seed(args.products)
    from django.db import connection, connections

    from marketplace.catalog.models import Product

    print(f"{Product.objects.count()} products; PostgreSQL {connection.pg_version // 10000}", flush=True)
    with connection.cursor() as cursor:  # this machine's PostgreSQL runs with autovacuum off
        cursor.execute("VACUUM ANALYZE")
    database = _database_name()
    connections.close_all()

    trees = [("after" if args.before else "this tree", ROOT)]
    if args.before:
        trees.insert(0, ("before", args.before.resolve()))
    servers = {}
    try:
        for label, root in trees:
            port = _free_port()
            # Connections kept for the whole run: a PostgreSQL backend that ends mid-run (the default
            # 60 s age) takes its CPU seconds out of the accounting with it.
            env = server_env(args.redis, root=root, DB_CONN_MAX_AGE="3600", RESPONSE_CACHE="0")
            server = serve(port, args.workers, env, args.worker_class, args.threads, root=root, start_timeout=300)
            servers[label] = (port, server)
        body = _body(args.first)
        answers = {label: _fetch(port, body) for label, (port, _server) in servers.items()}
        if len(set(answers.values())) > 1:
            heads = {label: answer[:300].decode(errors="replace") for label, answer in answers.items()}
            raise SystemExit("the trees answer differently: " + json.dumps(heads, ensure_ascii=False))
        first_answer = next(iter(answers.values()))
        print(
            f"answer: {len(first_answer)} bytes, the same from every tree; "
            f"{args.workers} {args.worker_class} workers, {args.clients} closed-loop clients, "
            f"{args.seconds:g} s per run after {args.warmup:g} s warm-up",
            flush=True,
        )
        make, check = _requests(body, args.first)
        rows = []
        for round_ in range(args.rounds):
            for label, (port, server) in servers.items():
                result = drive(
                    port,
                    make,
                    check,
                    clients=args.clients,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    rate=0.0,
                    pids_of=process_roles(server.pid, database),
                )
                if result["first_error"] is not None:
                    print(f"{label}: first error {result['first_error']!r}", file=sys.stderr)
                rows.append(_row(f"{label}, round {round_ + 1}", result, os.getloadavg()[0]))
                cpu = result["cpu_ms_per_request"]
                server_cpu = cpu["gunicorn"] + cpu["postgres"]
                report(
                    f"`products(channel, first: {args.first})` over HTTP without the response cache, "
                    f"{args.workers} workers, {args.clients} clients",
                    f"{label}, round {round_ + 1}: req/s, p99, server CPU per request",
                    f"{result['rps']:.0f} req/s, p99 {result['p99_ms']:.0f} ms, server {server_cpu:.1f} ms CPU",
                    goal=f">= {GOAL_RPS:g} req/s, server <= {GOAL_CPU_MS:g} ms CPU, p99 <= {GOAL_P99_MS:g} ms",
                    met=result["rps"] >= GOAL_RPS and server_cpu <= GOAL_CPU_MS and result["p99_ms"] <= GOAL_P99_MS,
                )
                print(rows[-1], flush=True)
    finally:
        for _port, server in servers.values():
            server.terminate()
            server.wait(timeout=30)
    print()
    print(
        "| run | req/s | p50 ms | p90 ms | p99 ms | errors | CPU ms/req gunicorn | PostgreSQL | server | client "
        "| machine | load before → after |"
        f"   (goal ≥ {GOAL_RPS:g}/s, server ≤ {GOAL_CPU_MS:g} ms, p99 ≤ {GOAL_P99_MS:g} ms)"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"\non {os.cpu_count()} cores; load average now {' / '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
