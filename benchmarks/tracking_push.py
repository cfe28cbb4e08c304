"""Express tracking pushes through HTTP: callbacks/s, p50/p99 and CPU per callback (goal >= 500/s, p99 <= 20 ms).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/meidu_bench_tracking \\
      .venv/bin/python benchmarks/tracking_push.py [--waybills 500] [--clients 8] [--seconds 20] [--workers 2]

Seeds ``--waybills`` express shipments with tracking subscriptions on a scratch database, serves the site
with gunicorn (DEBUG off, cache on Redis) and posts signed pushes (Kuaidi100's form: `param`, `sign`) from
keep-alive clients: each push a new scan (a step forward, a repeat of the same status elsewhere, or a late
scan: the mix a busy carrier sends), so every callback verifies, records and applies.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import urllib.parse
from decimal import Decimal

from _http import drive, process_roles, serve, server_env
from _report import report
from _setup import setup

DATABASE_NAME = (os.environ.get("BENCH_DATABASE_URL") or "/meidu_bench_tracking").rsplit("/", 1)[-1].split("?")[0]
SALT = "bench-salt"


def _seed(count: int) -> list[str]:
    from logistics.carriers.models import SubscriptionState, TrackingSubscription
    from logistics.shipments.services import ParcelSpec, shipment_create

    have = TrackingSubscription.objects.count()
    for n in range(have, count):
        shipment = shipment_create(reference=f"bench:{n}", carrier="express", parcels=[ParcelSpec(Decimal("2"))])
        TrackingSubscription.objects.create(
            shipment=shipment, carrier="SF", tracking_number=f"SF{n:013d}", state=SubscriptionState.POLLING
        )
    return list(TrackingSubscription.objects.values_list("tracking_number", flat=True))


def _pusher(numbers: list[str]):
    clock = itertools.count()

    def make(rng):
        number = rng.choice(numbers)
        tick = next(clock)
        state = rng.choice(["1", "0", "0", "0", "5"])
        minute = 1 + tick % 50_000
        ftime = f"2026-12-{6 + minute // 1440:02d} {minute // 60 % 24:02d}:{minute % 60:02d}:{tick % 60:02d}"
        param = {
            "status": "polling",
            "lastResult": {
                "state": state,
                "com": "shunfeng",
                "nu": number,
                "data": [
                    {
                        "ftime": ftime,
                        "context": "快件在【沈阳转运中心】完成分拣",
                        "areaName": "辽宁省沈阳市",
                    }
                ],
            },
        }
        text = json.dumps(param, ensure_ascii=False, separators=(",", ":"))
        sign = hashlib.md5((text + SALT).encode()).hexdigest().upper()
        body = urllib.parse.urlencode({"param": text, "sign": sign}).encode()
        return "POST", "/logistics/tracking/push/", body, {"Content-Type": "application/x-www-form-urlencoded"}

    return make


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--waybills", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args()
    setup(DATABASE_NAME)
    numbers = _seed(args.waybills)
    from django.db import connection, connections

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connections.close_all()
    server = serve(args.port, args.workers, server_env(args.redis, LOGISTICS_TRACKING_SALT=SALT))
    try:
        result = drive(
            args.port,
            _pusher(numbers),
            lambda status, payload: status == 200 and b'"returnCode": "200"' in payload,
            clients=args.clients,
            seconds=args.seconds,
            warmup=args.warmup,
            rate=0.0,
            pids_of=process_roles(server.pid, DATABASE_NAME),
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps({"clients": args.clients, "workers": args.workers, **result}, indent=2, default=str))
    met = result["rps"] >= 500 and result["p99_ms"] <= 20
    print(
        f"{result['rps']:.0f} callbacks/s, p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
        f"{result['cpu_ms_per_request']['gunicorn']:.2f} ms server CPU each; "
        f"goal >= 500/s with p99 <= 20 ms: {'met' if met else 'NOT met'}"
    )
    path = f"express tracking pushes over HTTP, {args.workers} workers, {args.clients} clients"
    report(path, "callbacks/s", f"{result['rps']:.0f}/s", ">= 500/s", result["rps"] >= 500)
    report(path, "p99", f"{result['p99_ms']:.1f} ms", "<= 20 ms", result["p99_ms"] <= 20)
    report(path, "gunicorn CPU per callback", f"{result['cpu_ms_per_request']['gunicorn']:.2f} ms")


if __name__ == "__main__":
    main()
