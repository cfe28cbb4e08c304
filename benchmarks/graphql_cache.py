"""The storefront's `products(channel, first: 100)` over HTTP, with and without the response cache, side by side.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/meidu_cache_bench \\
      .venv/bin/python benchmarks/graphql_cache.py [--products 10000] [--clients 8] [--seconds 15] [--workers 2]

Seeds the demo marketplace and ``--products`` bulk products (as benchmarks/products_query.py does), serves
the site with gunicorn (DEBUG off, cache on Redis) and drives it with ``--clients`` keep-alive connections:

* ``uncached``: the anonymous query POSTed in full, response cache off (RESPONSE_CACHE=0): every request
  executes (the cost engineer "perf" works on);
* ``apq-get``: the same query as an Apollo persisted query over GET (hash and variables in the URL), cache
  on: answered by the WSGI layer (meidu/core/graphql/fast_path.py) from Redis;
* ``post``: the full document POSTed, cache on: the same layer hashes the body's document;
* ``apq-get/gthread``: ``apq-get`` on gunicorn's gthread workers (keep-alive) instead of sync ones.

The load comes from `wrk` (a C load generator: Python client threads would saturate a core before the
server does) when it is installed, else from benchmarks/_http.py's client threads; either way the
client's CPU is reported beside the server's (gunicorn, PostgreSQL backends, Redis). Goal (issue 20):
>= 100 req/s uncached, >= 1,500 req/s cached, p99 <= 100 ms, 2 workers, 8 clients.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

from _http import cpu_seconds, drive, process_roles, serve, server_env
from _report import report
from _setup import setup

DATABASE_NAME = (os.environ.get("BENCH_DATABASE_URL") or "/meidu_cache_bench").rsplit("/", 1)[-1].split("?")[0]
QUERY = """
query Products($first: Int!) {
  products(channel: "rural", first: $first) {
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
VARIABLES = {"first": 100}
SHA = hashlib.sha256(QUERY.encode()).hexdigest()
EXTENSIONS = {"persistedQuery": {"version": 1, "sha256Hash": SHA}}
POST_BODY = json.dumps({"query": QUERY, "variables": VARIABLES}).encode()
GET_PATH = "/graphql/?" + urllib.parse.urlencode(
    {"operationName": "Products", "variables": json.dumps(VARIABLES), "extensions": json.dumps(EXTENSIONS)}
)
GOALS = {"uncached": 100.0, "cached": 1500.0, "p99_ms": 100.0}


def _redis_pids() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as handle:
                    if handle.read().strip() == "redis-server":
                        pids.append(int(entry))
            except OSError:
                continue
    return pids


def _roles(server_pid: int):
    base = process_roles(server_pid, DATABASE_NAME)

    def of():
        roles = base()
        roles["redis"] = _redis_pids()
        return roles

    return of


def _check(port: int, method: str) -> dict:
    """One request of the scenario, checked: 100 products, and the cache headers the scenario expects."""
    if method == "GET":
        request = urllib.request.Request(f"http://127.0.0.1:{port}{GET_PATH}")
    else:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/graphql/", POST_BODY, {"Content-Type": "application/json"}
        )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.loads(response.read())
        headers = dict(response.headers)
    edges = body.get("data", {}).get("products", {}).get("edges", [])
    if len(edges) != 100:
        raise SystemExit(f"the query did not answer 100 products: {str(body)[:300]}")
    return {"Cache-Control": headers.get("Cache-Control"), "ETag": headers.get("ETag")}


def _register(port: int) -> None:
    """The Apollo handshake: the hash alone is unknown, then the document is sent with it."""
    body = json.dumps({"query": QUERY, "variables": VARIABLES, "extensions": EXTENSIONS}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql/", body, {"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=60).read()


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def _wrk(port: int, method: str, clients: int, seconds: float, warmup: float, pids_of) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if method == "POST":
            script.write(
                f'wrk.method = "POST"\nwrk.body = [==[{POST_BODY.decode()}]==]\n'
                'wrk.headers["Content-Type"] = "application/json"\n'
            )
        else:
            script.write('wrk.method = "GET"\n')
    url = f"http://127.0.0.1:{port}" + (GET_PATH if method == "GET" else "/graphql/")

    def command(duration: float, *extra: str) -> list[str]:
        threads = str(min(2, clients))
        return [
            "wrk",
            "-t",
            threads,
            "-c",
            str(clients),
            "-d",
            f"{max(1, round(duration))}s",
            *extra,
            "-s",
            script.name,
            url,
        ]

    if warmup:
        subprocess.run(command(warmup), check=True, capture_output=True)
    load = os.getloadavg()[0]
    before, children = cpu_seconds(pids_of), resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    finished = subprocess.run(command(seconds, "--latency"), capture_output=True, text=True)
    if finished.returncode:
        raise SystemExit(f"wrk failed ({finished.returncode}): {finished.stdout} {finished.stderr}")
    output = finished.stdout
    elapsed = time.perf_counter() - started
    after, children_after = cpu_seconds(pids_of), resource.getrusage(resource.RUSAGE_CHILDREN)
    os.unlink(script.name)
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.MULTILINE))
    count = max(requests, 1)
    used = {role: after[role] - before[role] for role in before}
    used["client"] = (children_after.ru_utime + children_after.ru_stime) - (children.ru_utime + children.ru_stime)
    return {
        "requests": requests,
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else None,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50_ms": _ms(percentiles["50"]),
        "p90_ms": _ms(percentiles["90"]),
        "p99_ms": _ms(percentiles["99"]),
        "load_before": load,
        "cpu_ms_per_request": {role: used[role] / count * 1000 for role in used},
        "machine_cores_busy": used["machine"] / elapsed,
        "loader": "wrk",
    }


def _python(port: int, method: str, clients: int, seconds: float, warmup: float, pids_of) -> dict:
    if method == "GET":
        request = ("GET", GET_PATH, b"", {})
    else:
        request = ("POST", "/graphql/", POST_BODY, {"Content-Type": "application/json"})
    result = drive(
        port,
        lambda rng: request,
        lambda status, payload: status == 200 and b'"errors"' not in payload,
        clients=clients,
        seconds=seconds,
        warmup=warmup,
        rate=0.0,
        pids_of=pids_of,
    )
    return {**result, "loader": "python threads"}


def _scenario(name: str, args, *, cache: bool, method: str, worker_class: str = "sync") -> dict:
    env = server_env(args.redis, RESPONSE_CACHE="1" if cache else "0")
    server = serve(args.port, args.workers, env, worker_class=worker_class, threads=args.threads)
    try:
        if cache:
            _register(args.port)
        _check(args.port, method)  # the first answer: computed (and stored, with the cache on)
        headers = _check(args.port, method)
        run = _wrk if args.loader == "wrk" else _python
        result = run(args.port, method, args.clients, args.seconds, args.warmup, _roles(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
    result.update(scenario=name, worker_class=worker_class, cache_control=headers["Cache-Control"])
    cpu = result["cpu_ms_per_request"]
    print(
        f"{name:>16}: {result['rps']:7.0f} req/s, p50 {result['p50_ms']:6.2f} ms, p99 {result['p99_ms']:6.2f} ms, "
        f"errors {result['errors']}; CPU ms/request: gunicorn {cpu['gunicorn']:.3f}, postgres {cpu['postgres']:.3f}, "
        f"redis {cpu['redis']:.3f}, client {cpu['client']:.3f}; load before {result['load_before']:.1f}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--port", type=int, default=8781)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--loader", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--skip-uncached", action="store_true")
    args = parser.parse_args()

    setup(DATABASE_NAME)
    from products_query import _seed

    _seed(args.products)
    from django.db import connections

    connections.close_all()
    results = []
    if not args.skip_uncached:
        results.append(_scenario("uncached", args, cache=False, method="POST"))
    results.append(_scenario("apq-get", args, cache=True, method="GET"))
    results.append(_scenario("post", args, cache=True, method="POST"))
    results.append(_scenario("apq-get/gthread", args, cache=True, method="GET", worker_class="gthread"))
    print(json.dumps(results, indent=2, default=str))
    path = f"`products(channel, first: 100)` over HTTP, {args.workers} workers, {args.clients} clients"
    for result in results:
        cpu = result["cpu_ms_per_request"]
        goal_rps = GOALS["uncached"] if result["scenario"] == "uncached" else GOALS["cached"]
        report(
            path,
            f"{result['scenario']} ({result['worker_class']}): req/s, p99, server CPU per request",
            f"{result['rps']:.0f} req/s, p99 {result['p99_ms']:.1f} ms, gunicorn {cpu['gunicorn']:.2f} ms CPU",
            goal=f">= {goal_rps:.0f} req/s, p99 <= {GOALS['p99_ms']:.0f} ms",
            met=result["rps"] >= goal_rps and result["p99_ms"] <= GOALS["p99_ms"],
        )
    cached = max((r for r in results if r["scenario"] != "uncached"), key=lambda r: r["rps"])
    met = cached["rps"] >= GOALS["cached"] and cached["p99_ms"] <= GOALS["p99_ms"]
    print(
        f"cached ({cached['scenario']}): {cached['rps']:.0f} req/s, p99 {cached['p99_ms']:.1f} ms; "
        f"goal >= {GOALS['cached']:.0f} req/s with p99 <= {GOALS['p99_ms']:.0f} ms: {'met' if met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
