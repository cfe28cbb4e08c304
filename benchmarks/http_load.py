"""HTTP load: `meidu serve`'s gunicorn on 127.0.0.1 driven by locust (headless, FastHttpUser) with four mixes
over the demo data of `meidu seed --products N`: browsing (pages and storefront API), checkout (cart to cash
on delivery), trader (bids, picks) and bank (receipt verifications).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/meidu_load \\
      .venv/bin/python benchmarks/http_load.py [--mix browsing,checkout,trader,bank] [--cache off|on]
        [--users 8] [--rate 0] [--seconds 30] [--warmup 15] [--max-requests 0] [--workers 2]
        [--steps 20,40,80] [--p99-limit-ms 100] [--redis redis://127.0.0.1:6379/7] [--products 10000]

Each mix is a locust user class in benchmarks/load/<mix>.py. A run: seed the database once with the project's
own `meidu seed --products N` (skipped when its demo data and bulk products are there), prepare the mix's data
through the services (benchmarks/load/prepare.py: buyers, hot products with enough stock, funded traders,
auctions and listings, receipts), start gunicorn through benchmarks/_http.py (production-like settings, the
cache on Redis; `--cache on|off` sets RESPONSE_CACHE for the GraphQL response cache), then run locust for
`--warmup` + `--seconds` (and at most `--max-requests` requests), all of its users spawned within a second.
Locust records every request (benchmarks/load/common.py); from the requests started after the warm-up this
prints throughput, p50/p95/p99/max, error rate and CPU milliseconds per request of the gunicorn workers, the
PostgreSQL backends of the database, the locust client and the whole machine (sampled from /proc every
0.25 s, cut to the measured window), overall and per request name. The checkout mix also counts orders/s
(a flow sample per order) and checks the database afterwards: stock never negative nor over-allocated, the
units allocated = the allocations of the run's orders = their lines (0 oversold).

Load model: `--rate 0` (default) is a closed loop, each user sending its next request as soon as the last
one answered; `--rate R` offers R flows per second (a request, or a whole order in the checkout mix), each
user paced at R/users by locust's constant_throughput (a user whose flow takes longer falls behind: the
achieved rate then falls below the offered one, which is how saturation shows). `--steps R1,R2,...` runs one
step per rate on the same server and stops at the first step that breaks: errors, p99 above
`--p99-limit-ms`, or less than 90% of the offered rate achieved; the last step that held is the
saturation point written at the end.

Exits non-zero only when it could not measure (the server did not start, locust failed, no samples) or the
checkout mix's consistency check failed (an oversold unit is a bug, not a figure); goals are printed, not
asserted. Other engineers' work on a shared machine shows in "machine" CPU and the load average, printed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

# The preparation runs with the settings the server runs with (benchmarks/_http.py's server_env): the
# buyers' and traders' tokens it issues must be the server's (issuer, keys)
os.environ.update(
    DJANGO_SETTINGS_MODULE="meidu.settings.base",
    MEIDU_MODE="demo",
    DEBUG="0",
    PUBLIC_URL="http://127.0.0.1",
    SECURE_SSL_REDIRECT="0",
)
os.environ.pop("CELERY_BROKER_URL", None)

from _http import process_roles, serve, server_env  # noqa: E402
from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

ENVIRONMENT_AT_START = dict(os.environ)
ROOT = Path(__file__).resolve().parent.parent
LOAD = Path(__file__).resolve().parent / "load"
MIXES = ("browsing", "checkout", "trader", "bank")
# closed loop: 8 clients on 2 workers (issue 20's setting)
CLOSED_LOOP_USERS = 8


def users_for(rate: float) -> int:
    """An offered rate: enough users that flows of up to 4 s each do not hold the rate back (each user is
    paced at rate / users), and few enough that each user's pacing period fits a short step."""
    return max(2, min(64, math.ceil(rate * 4)))


GOAL_ORDERS_PER_SECOND = 150
DATABASE_NAME = (os.environ.get("BENCH_DATABASE_URL") or "/meidu_bench_load").rsplit("/", 1)[-1].split("?")[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seed(products: int) -> None:
    """`meidu seed --products N` in demo mode on this database, unless its data is already there."""
    from marketplace.catalog.models import ProductVariant
    from marketplace.shops.models import Shop

    if Shop.objects.count() >= 20 and ProductVariant.objects.filter(sku__startswith="BULK-").count() >= products:
        return
    env = dict(os.environ, PYTHONPATH=str(ROOT), MEIDU_MODE="demo", DJANGO_SETTINGS_MODULE="meidu.settings.base")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "meidu.cli", "seed", "--products", str(products)], cwd=ROOT, env=env, check=True
    )
    print(f"meidu seed --products {products}: {time.perf_counter() - started:.0f} s", flush=True)


def _cpu_by_pid(pids_of) -> dict[str, dict[int, float]]:
    """CPU seconds (user + system) of each process of each role, and of the whole machine (pid 0)."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[str, dict[int, float]] = {}
    for role, pids in pids_of().items():
        found[role] = {}
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[role][pid] = (int(fields[11]) + int(fields[12])) / tick
    with open("/proc/stat") as handle:
        busy = [int(x) for x in handle.readline().split()[1:]]
    found["machine"] = {0: (sum(busy) - busy[3] - busy[4]) / tick}
    return found


class _Sampler(threading.Thread):
    """CPU of every role's processes every 0.25 s (wall clock), to cut the measured window out of a run.
    Kept per process (not summed as _http.cpu_seconds does): a web worker's PostgreSQL backend is replaced
    when its connection reaches DB_CONN_MAX_AGE, and a sum would then lose the old backend's CPU."""

    def __init__(self, pids_of):
        super().__init__(daemon=True)
        self.pids_of, self.samples, self.stopped = pids_of, [], threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.samples.append((time.time(), _cpu_by_pid(self.pids_of)))
            self.stopped.wait(0.25)

    def used(self, start: float, end: float) -> tuple[dict[str, float], float]:
        """CPU of each role between the samples around [start, end]: per process, its last reading up to
        the closing sample minus its reading at the opening one (0 for a process started since), so a
        process that exits before the closing sample (locust at its end, a replaced backend) still counts."""
        before = max((s for s in self.samples if s[0] <= start), key=lambda s: s[0], default=self.samples[0])
        after = min((s for s in self.samples if s[0] >= end), key=lambda s: s[0], default=self.samples[-1])
        last: dict[str, dict[int, float]] = {}
        for moment, reading in self.samples:
            if before[0] <= moment <= after[0]:
                for role, pids in reading.items():
                    last.setdefault(role, {}).update(pids)
        used = {
            role: sum(value - before[1].get(role, {}).get(pid, 0.0) for pid, value in pids.items())
            for role, pids in last.items()
        }
        return used, after[0] - before[0]


def _roles(server_pid: int, client_pid: int):
    of = process_roles(server_pid, DATABASE_NAME)

    def roles():
        found = of()
        found["client"] = [client_pid]  # locust, not this runner
        return found

    return roles


def _pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def _summary(samples: list, start: float) -> dict:
    """Requests (not flows) started at or after `start`: count, latency percentiles, errors by reason."""
    requests = [s for s in samples if s[0] >= start]
    latencies = sorted(s[1] for s in requests)
    errors: dict[str, int] = {}
    for s in requests:
        if s[3]:
            errors[s[3]] = errors.get(s[3], 0) + 1
    return {
        "count": len(requests),
        "p50_ms": _pct(latencies, 0.50),
        "p95_ms": _pct(latencies, 0.95),
        "p99_ms": _pct(latencies, 0.99),
        "max_ms": latencies[-1] if latencies else float("nan"),
        "mean_ms": statistics.fmean(latencies) if latencies else float("nan"),
        "errors": sum(errors.values()),
        "error_kinds": dict(sorted(errors.items(), key=lambda kv: -kv[1])[:5]),
    }


def run_mix(mix: str, args, port: int, server, fixture: dict, users: int, rate: float, seconds: float) -> dict:
    """One locust run of `mix` against the running server; the figures of its measured window."""
    work = Path(tempfile.mkdtemp(prefix=f"load-{mix}-"))
    (work / "fixture.json").write_text(json.dumps(fixture))
    env = dict(
        os.environ,
        PYTHONPATH=str(LOAD),
        LOAD_FIXTURE=str(work / "fixture.json"),
        LOAD_SAMPLES=str(work / "samples.json"),
        LOAD_RATE=str(rate or ""),
        LOAD_USERS=str(users),
        LOAD_MAX_REQUESTS=str(args.max_requests or ""),
    )
    command = [sys.executable, "-m", "locust", "-f", str(LOAD / f"{mix}.py"), "--headless", "-u", str(users)]
    command += ["-r", str(users), "--run-time", f"{args.warmup + seconds:g}s", "-H", f"http://127.0.0.1:{port}"]
    command += ["--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10", "--exit-code-on-error", "0"]
    load_before = os.getloadavg()
    with open(work / "locust.log", "w") as log:
        client = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        sampler = _Sampler(_roles(server.pid, client.pid))
        sampler.start()
        try:
            client.wait(timeout=args.warmup + seconds + 120)
        finally:
            if client.poll() is None:
                client.terminate()
                client.wait(timeout=30)
            sampler.stopped.set()
            sampler.join()
    if client.returncode != 0 or not (work / "samples.json").exists():
        print((work / "locust.log").read_text()[-3000:], file=sys.stderr)
        raise SystemExit(f"locust failed on the {mix} mix (exit {client.returncode}); log in {work}")
    samples = json.loads((work / "samples.json").read_text())
    http = [s for s in samples if not s[2] == "order"]
    flows = [s for s in samples if s[2] == "order"]
    if not http:
        raise SystemExit(f"no requests recorded in the {mix} mix; log in {work}")
    first = min(s[0] for s in samples)
    start = first + args.warmup
    end = max(s[0] + s[1] / 1000 for s in samples)
    window = max(end - start, 1e-6)
    overall = _summary(http, start)
    used, cpu_window = sampler.used(start, end)
    per_request = {role: used[role] / max(overall["count"], 1) * 1000 * cpu_window / window for role in used}
    result = {
        "mix": mix,
        "cache": args.cache,
        "users": users,
        "offered_per_s": rate or "closed loop",
        "seconds": round(window, 2),
        "rps": overall["count"] / window,
        **overall,
        "error_rate": overall["errors"] / max(overall["count"], 1),
        "cpu_ms_per_request": {role: round(value, 2) for role, value in per_request.items()},
        "machine_cores_busy": used["machine"] / cpu_window,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "by_name": {},
    }
    for name in sorted({s[2] for s in http}):
        part = _summary([s for s in http if s[2] == name], start)
        result["by_name"][name] = {
            "rps": round(part["count"] / window, 1),
            **{k: part[k] for k in part if k != "error_kinds"},
        }
    if flows:
        done = [s for s in flows if s[0] + s[1] / 1000 >= start]  # orders finished in the window
        ok = [s for s in done if not s[3]]
        latencies = sorted(s[1] for s in ok)
        result["orders"] = len(ok)
        result["orders_per_s"] = len(ok) / window
        result["orders_failed"] = len(done) - len(ok)
        result["order_p50_ms"], result["order_p99_ms"] = _pct(latencies, 0.5), _pct(latencies, 0.99)
        result["cpu_ms_per_order"] = {
            role: round(used[role] / max(len(ok), 1) * 1000 * cpu_window / window, 1) for role in used
        }
    return result


def _report(result: dict) -> None:
    """make bench's figures of one run: throughput, tail and CPU; orders against the checkout goal."""
    cpu = result["cpu_ms_per_request"]
    path = f"HTTP load, {result['mix']} mix, cache {result['cache']}"
    figure = f"{result['users']} users, offered {result['offered_per_s']}: req/s, p99, errors, server CPU per request"
    report(
        path,
        figure,
        f"{result['rps']:.1f} req/s, p99 {result['p99_ms']:.0f} ms, errors {result['error_rate']:.2%}, "
        f"server {cpu['gunicorn']:.1f} + PostgreSQL {cpu['postgres']:.1f} ms CPU",
    )
    if "orders_per_s" in result:
        check = result.get("check") or {}
        report(
            path,
            "orders/s sustained, 0 oversold",
            f"{result['orders_per_s']:.1f} orders/s over {result['seconds']:.0f} s, {result['orders_failed']} failed",
            goal=f">= {GOAL_ORDERS_PER_SECOND} orders/s for 60 s, 0 oversold",
            met=result["orders_per_s"] >= GOAL_ORDERS_PER_SECOND
            and result["seconds"] >= 60
            and check.get("consistent", True) is not False,
        )


def _line(result: dict) -> str:
    cpu = result["cpu_ms_per_request"]
    text = (
        f"{result['mix']} cache {result['cache']}, {result['users']} users, offered {result['offered_per_s']}: "
        f"{result['rps']:.1f} req/s over {result['seconds']:.0f} s, p50 {result['p50_ms']:.0f} / p95 "
        f"{result['p95_ms']:.0f} / p99 {result['p99_ms']:.0f} ms, errors {result['errors']} "
        f"({result['error_rate']:.2%}); CPU ms per request: server {cpu['gunicorn']:.1f}, PostgreSQL "
        f"{cpu['postgres']:.1f}, client {cpu['client']:.1f}, machine {cpu['machine']:.1f} "
        f"({result['machine_cores_busy']:.2f} cores busy); "
        f"load {result['load_before'][0]:.2f} -> {result['load_after'][0]:.2f}"
    )
    if "orders_per_s" in result:
        per = result["cpu_ms_per_order"]
        text += (
            f"\n  orders: {result['orders']} = {result['orders_per_s']:.1f}/s (goal >= {GOAL_ORDERS_PER_SECOND}), "
            f"{result['orders_failed']} failed; order flow p50 {result['order_p50_ms']:.0f} ms, p99 "
            f"{result['order_p99_ms']:.0f} ms; CPU ms per order: server {per['gunicorn']}, PostgreSQL "
            f"{per['postgres']}, client {per['client']}"
        )
    for name, part in result["by_name"].items():
        text += (
            f"\n  {name:<36} {part['rps']:>7.1f}/s p50 {part['p50_ms']:>6.0f} p95 {part['p95_ms']:>6.0f} "
            f"p99 {part['p99_ms']:>6.0f} ms errors {part['errors']}"
        )
    if result["error_kinds"]:
        text += f"\n  errors: {result['error_kinds']}"
    return text


def _holds(result: dict, rate: float, limit_ms: float) -> bool:
    achieved = result.get("orders_per_s", result["rps"]) if rate else None
    return result["errors"] == 0 and result["p99_ms"] <= limit_ms and (not rate or achieved >= 0.9 * rate)


def _prepare(mix: str, args) -> dict:
    from load import prepare

    started = time.perf_counter()
    if mix == "browsing":
        fixture = prepare.browsing()
    elif mix == "checkout":
        fixture = prepare.checkout(args.buyers, args.hot_products, units=args.units)
    elif mix == "trader":
        fixture = prepare.trader(args.traders)
    else:
        fixture = prepare.bank()
    print(f"{mix}: data prepared in {time.perf_counter() - started:.1f} s", flush=True)
    return fixture


def _check(mix: str, fixture: dict) -> dict | None:
    from load import prepare

    if mix == "checkout":
        return prepare.checkout_check(fixture)
    if mix == "trader":
        return prepare.trader_check(fixture)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mix", default=",".join(MIXES), help="comma-separated: " + ", ".join(MIXES))
    parser.add_argument(
        "--cache", choices=["off", "on"], default="off", help="the GraphQL response cache (RESPONSE_CACHE)"
    )
    parser.add_argument(
        "--users", type=int, default=0, help=f"locust users (default {CLOSED_LOOP_USERS}; with a rate, 4 per flow/s)"
    )
    parser.add_argument("--rate", type=float, default=0.0, help="offered flows/s (0: closed loop)")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured time per run or step")
    parser.add_argument(
        "--warmup", type=float, default=15.0, help="seconds before measuring (not counted): cold workers' first pages"
    )
    parser.add_argument("--max-requests", type=int, default=0, help="stop a run after this many requests")
    parser.add_argument("--steps", default="", help="saturation: offered rates to step through, e.g. 20,40,80")
    parser.add_argument("--p99-limit-ms", type=float, default=100.0, help="a step holds with p99 at most this")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--products", type=int, default=10000, help="bulk products `meidu seed` makes sure exist")
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--hot-products", type=int, default=12)
    parser.add_argument("--units", type=int, default=100000, help="units added to each hot product's stock")
    parser.add_argument("--traders", type=int, default=50)
    parser.add_argument("--json", default="", help="also write every result to this file")
    args = parser.parse_args()
    mixes = [m.strip() for m in args.mix.split(",") if m.strip()]
    if set(mixes) - set(MIXES):
        parser.error(f"unknown mix: {', '.join(set(mixes) - set(MIXES))}")
    os.environ["REDIS_URL"] = args.redis
    setup(DATABASE_NAME)
    from django.conf import settings

    if args.cache == "on" and not hasattr(settings, "RESPONSE_CACHE_ENABLED"):
        raise SystemExit("--cache on: this tree has no GraphQL response cache (RESPONSE_CACHE_ENABLED) to turn on")
    _seed(args.products)
    fixtures = {mix: _prepare(mix, args) for mix in mixes}
    # benchmarks/checkout_race.py (imported by the trader mix's preparation) turns reservations off for its
    # race; the server here runs with the project's settings
    if "CHECKOUT_RESERVATION_MINUTES" not in ENVIRONMENT_AT_START:
        os.environ.pop("CHECKOUT_RESERVATION_MINUTES", None)
    from django.db import connection, connections

    with connection.cursor() as cursor:  # this machine's PostgreSQL runs with autovacuum off
        cursor.execute("VACUUM (ANALYZE)")
    connections.close_all()
    import redis

    redis.Redis.from_url(args.redis).flushdb()  # this benchmark's own Redis database: no answer cached before
    env = server_env(args.redis, RESPONSE_CACHE="1" if args.cache == "on" else "0")
    env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    port = _free_port()
    print(
        f"gunicorn: {args.workers} sync workers on 127.0.0.1:{port}, database {DATABASE_NAME}, cache {args.cache}; "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    # as `meidu serve` does before starting gunicorn: the pages need the static files' manifest
    subprocess.run(
        [sys.executable, "-m", "meidu.cli", "manage", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = serve(port, args.workers, env)
    results, failed = [], False
    try:
        for mix in mixes:
            steps = [float(r) for r in args.steps.split(",") if r.strip()] if args.steps else [args.rate]
            held = None
            for rate in steps:
                users = args.users or (users_for(rate) if rate else CLOSED_LOOP_USERS)
                result = run_mix(mix, args, port, server, fixtures[mix], users, rate, args.seconds)
                results.append(result)
                print(_line(result), flush=True)
                _report(result)
                if args.steps:
                    if not _holds(result, rate, args.p99_limit_ms):
                        print(
                            f"  {mix}: step {rate:g}/s broke (errors, p99 > {args.p99_limit_ms:g} ms or < 90% achieved)"
                        )
                        break
                    held = rate
            if args.steps:
                print(
                    f"{mix} saturation: highest offered rate that held: {held if held is not None else 'none'}/s",
                    flush=True,
                )
                report(
                    f"HTTP load, {mix} mix, cache {args.cache}, {args.workers} workers",
                    f"saturation: highest offered rate with p99 <= {args.p99_limit_ms:g} ms and no errors",
                    f"{held:g}/s" if held is not None else f"none of {args.steps}/s",
                )
            check = _check(mix, fixtures[mix])
            if check is not None:
                print(f"{mix} after the run: {check}", flush=True)
                results[-1]["check"] = check
                failed |= check.get("consistent", check.get("auctions_consistent", True)) is False
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    if failed:
        raise SystemExit("the database check after a run failed")


if __name__ == "__main__":
    main()
