"""`receiptVerify` through the HTTP API: requests/s, p50/p99 and CPU per request with concurrent clients.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/meidu_bench_stmt \\
      .venv/bin/python benchmarks/receipt_verify.py [--receipts 200] [--clients 20] [--seconds 20] [--workers 2]
        [--worker-class sync|gthread] [--threads 4] [--redis redis://127.0.0.1:6379/5] [--rate 250 500 1000]

1. Seeds (once) a warehouse, a member and ``--receipts`` receipts through the services, on a scratch database
   (migrated by benchmarks/_setup.py; never the demo's).
2. Serves it with gunicorn (``--workers`` processes; MEIDU_MODE=demo settings with DEBUG off and the cache on
   Redis as in production, so the throttle's counters are a cache GET, not SQL).
3. One in-process request first: SQL statements of one ``receiptVerify`` (Django test client, CaptureQueries).
4. Closed loop: ``--clients`` threads, each with its own keep-alive HTTP connection, POST ``receiptVerify`` for
   random receipts (right codes) for ``--seconds`` after a warm-up (every chain replayed once per worker).
   With 20 clients in a closed loop the mean latency is 20 / throughput (Little's law): p99 <= 10 ms needs
   more than 2,000/s. ``--rate R [R ...]`` runs an open loop instead: the clients together send R requests/s
   at Poisson times (each R/clients), latency from the scheduled time, so queueing counts.
   Reports requests/s, p50/p90/p99/max latency, errors, and CPU milliseconds per request of the gunicorn workers,
   the PostgreSQL backends of the benchmark database, the client and the whole machine (from /proc; other
   work on a shared machine shows in "machine"), with the load average before the run.
Goal (issue 15): >= 1,000 verifications/s with p99 <= 10 ms on 2 cores.
The database is vacuumed and analysed before the run (this machine's PostgreSQL runs with autovacuum off).
Profile of one request in process: benchmarks/receipt_verify_profile.py.
"""

import argparse
import json
import os
import time
from decimal import Decimal

from _http import drive, process_roles, serve, server_env  # noqa: E402
from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

# the database's name (for telling its PostgreSQL backends from other databases' on a shared server)
DATABASE_NAME = (os.environ.get("BENCH_DATABASE_URL") or "/meidu_bench_stmt").rsplit("/", 1)[-1].split("?")[0]
QUERY = """query V($number: String!, $code: String!) {
  receiptVerify(number: $number, code: $code) {
    statement claims { view number tonnes status pledged chainValid chainLastHash } errors { code }
  }
}"""


def _seed(count: int) -> list[tuple[str, str]]:
    from magnesium_exchange.commodities.models import Commodity
    from magnesium_exchange.commodities.services import commodities_seed
    from magnesium_exchange.members.models import Member
    from magnesium_exchange.members.services import member_create
    from magnesium_exchange.warehouses.models import Receipt, Warehouse
    from magnesium_exchange.warehouses.services import (
        inbound_ticket_create,
        receipt_issue,
        receipt_split,
        warehouse_create,
    )

    if not Commodity.objects.exists():
        commodities_seed()
    warehouse = Warehouse.objects.filter(code="BV01").first() or warehouse_create(
        code="BV01", name="大石桥基准监管仓", address="辽宁省大石桥市", keeper_name="基准仓储有限公司"
    )
    member = Member.objects.filter(credit_code="912108820000100012").first() or member_create(
        name="大石桥市华鑫镁业有限公司",
        credit_code="912108820000100012",
        legal_representative="王建国",
        registered_address="辽宁省大石桥市",
        bank_name="建设银行大石桥支行",
        bank_account_name="大石桥市华鑫镁业有限公司",
        bank_account_number="0704000000000001",
    )
    fused = Commodity.objects.get(code="fused-magnesia")
    have = Receipt.objects.filter(warehouse=warehouse).count()
    started = time.perf_counter()
    for n in range(have, count):
        ticket = inbound_ticket_create(
            warehouse,
            commodity=fused,
            depositor=member,
            gross=Decimal("120.000"),
            tare=Decimal("20.000"),
            net=Decimal("100.000"),
            assay={"mgo": "98.200", "sio2": "0.400", "cao": "0.900", "fe2o3": "0.500", "bulk_density": "3.520"},
            vehicle_plate="辽H12345",
            lot_no=f"B{n}",
        )
        receipt = receipt_issue(ticket, packaging="吨袋", pieces=100, location="A区")
        if n % 4 == 0:  # some longer chains: a split leaves the parent with two events and two parts
            receipt_split(receipt, [Decimal("40"), Decimal("60")])
    if count > have:
        print(f"seeded {count - have} receipts in {time.perf_counter() - started:.1f} s")
    return list(Receipt.objects.filter(warehouse=warehouse).values_list("number", "verification_code"))


def _body(number: str, code: str) -> bytes:
    return json.dumps({"query": QUERY, "variables": {"number": number, "code": code}}).encode()


def _verifier(receipts, token: str | None):
    """One ``receiptVerify`` request of a random receipt (the right code), and what its answer must say."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"

    def make(rng):
        number, code = rng.choice(receipts)
        return "POST", "/graphql/", _body(number, code), headers

    def check(status: int, payload: bytes) -> bool:
        return status == 200 and b'"errors": []' in payload and b'"chainValid": true' in payload

    return make, check


def _in_process_queries(number: str, code: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.post("/graphql/", _body(number, code), content_type="application/json")
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/graphql/", _body(number, code), content_type="application/json")
    assert response.status_code == 200, response.content
    for query in captured.captured_queries:
        print("   SQL:", query["sql"][:150])
    return len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--receipts", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument(
        "--rate",
        type=float,
        nargs="*",
        default=[],
        help="open loop: total requests/s offered by the clients (Poisson); several rates run one after "
        "another on the same server; none: closed loop",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args()
    setup(DATABASE_NAME)
    receipts = _seed(args.receipts)
    print(
        f"{len(receipts)} receipts; SQL statements of one anonymous receiptVerify in process: "
        f"{_in_process_queries(*receipts[0])}"
    )
    token = None  # anonymous: the public's (and the QR's) path, with the throttle check
    from django.db import connection, connections

    with connection.cursor() as cursor:  # this machine's PostgreSQL runs with autovacuum off
        cursor.execute("VACUUM ANALYZE")
    connections.close_all()
    server = serve(args.port, args.workers, server_env(args.redis), args.worker_class, args.threads)
    make, check = _verifier(receipts, token)
    results = []
    try:
        for rate in args.rate or [0.0]:
            results.append(
                drive(
                    args.port,
                    make,
                    check,
                    clients=args.clients,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    rate=rate,
                    pids_of=process_roles(server.pid, DATABASE_NAME),
                )
            )
            print(
                json.dumps(
                    {
                        "viewer": "anonymous",
                        "clients": args.clients,
                        "workers": args.workers,
                        "worker_class": args.worker_class,
                        "threads": args.threads if args.worker_class == "gthread" else None,
                        "offered_rps": rate or "closed loop",
                        **results[-1],
                        "load_after": os.getloadavg(),
                    },
                    indent=2,
                    default=str,
                ),
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    for rate, result in zip(args.rate or [0.0], results, strict=True):
        met = result["rps"] >= 1000 and result["p99_ms"] <= 10
        print(
            f"{'closed loop' if not rate else f'offered {rate:g}/s'}: {result['rps']:.0f}/s, "
            f"p50 {result['p50_ms']:.1f} ms, "
            f"p99 {result['p99_ms']:.1f} ms; goal >= 1,000/s with p99 <= 10 ms: {'met' if met else 'NOT met'}"
        )
        path = f"`receiptVerify` over HTTP, {args.workers} workers, {args.clients} clients" + (
            f", offered {rate:g}/s" if rate else ", closed loop"
        )
        report(path, "verifications/s", f"{result['rps']:.0f}/s", ">= 1,000/s", result["rps"] >= 1000)
        report(path, "p99", f"{result['p99_ms']:.1f} ms", "<= 10 ms", result["p99_ms"] <= 10)
        report(path, "gunicorn CPU per request", f"{result['cpu_ms_per_request']['gunicorn']:.2f} ms")


if __name__ == "__main__":
    main()
