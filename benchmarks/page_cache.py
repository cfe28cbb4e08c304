"""The public pages' cache over HTTP: a product page and the farm price board, served from the shared
page cache (hit) and rendered afresh (miss), plus a revalidation answered 304; requests/s, p50/p99 and
CPU per request.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/meidu_bench_pages \\
      .venv/bin/python benchmarks/page_cache.py [--clients 8] [--seconds 10] [--workers 2]
        [--redis redis://127.0.0.1:6379/3]  (PAGE_FAST_PATH=0, then 1)

1. Seeds (once) the farmer's pears (tests' buying world) and the farm board's year of prices (the demo's
   seed: every item at every market), on a scratch database (benchmarks/_setup.py; never the demo's).
2. Collects the static files (DEBUG off reads their hashed names from a manifest) and serves the site
   with gunicorn (``--workers`` sync processes; production-like settings with the cache on Redis, so the
   page cache runs: storefront/shell/page_cache.py).
3. Twice, side by side: with the page-cache hits answered through Django's middleware
   (PAGE_FAST_PATH=0, before) and in front of it (storefront/shell/page_fast_path.py, after).
   For each page, closed loops of ``--clients`` keep-alive clients for ``--seconds`` after a warm-up:
   * hit: every visitor asks for the same address (one rendering, served from Redis);
   * miss: every request adds a unique ``?n=`` to the address, so each one is rendered and stored;
   * 304: the visitor holds the ETag (``If-None-Match``), the answer has no body.
   Reports requests/s, p50/p90/p99/max latency, errors, and CPU milliseconds per request of the gunicorn
   workers, the PostgreSQL backends of the benchmark database, the client and the whole machine (from
   /proc; other work on a shared machine shows in "machine"), with the load average before each run.
Goal (issue 20): a cached anonymous page costs a small fraction of a rendering's CPU; no errors.
"""

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
from urllib.parse import quote

from _http import ROOT, drive, process_roles, serve, server_env  # noqa: E402
from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

DATABASE_NAME = (os.environ.get("BENCH_DATABASE_URL") or "/meidu_bench_pages").rsplit("/", 1)[-1].split("?")[0]


def _seed() -> str:
    """The pears' product address (seeding once)."""
    from incubator.demo_farm import seed_farm_prices
    from marketplace.catalog.models import Product
    from tests.marketplace.checkout.factories import county_and_zones, farmer_with_pears
    from tests.marketplace.factories import channels

    product = Product.objects.filter(name="南果梨").first()
    if product is None:
        from meidu.accounts.services import account_register

        county_and_zones()
        _retail, rural = channels()
        owner = account_register(phone="13900139801", password="Pear-Orchard-2024", roles=())
        _shop, variant = farmer_with_pears(owner, rural)
        product = variant.product
    seed_farm_prices()
    return f"/shop/p/{quote(product.slug)}/"


def _headers(port: int, path: str, etag: str | None = None) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conditional = {"If-None-Match": etag} if etag else {}
    connection.request("GET", path, headers={"Accept-Language": "zh-hans", **conditional})
    response = connection.getresponse()
    response.read()
    connection.close()
    return {name.lower(): value for name, value in response.getheaders()}


def _requests(path: str, etag: str) -> dict:
    """The request makers of the three runs of one page."""
    base = {"Accept-Language": "zh-hans"}
    separator = "&" if "?" in path else "?"
    return {
        "hit": lambda rng: ("GET", path, b"", base),
        "miss": lambda rng: ("GET", f"{path}{separator}n={rng.getrandbits(64)}", b"", base),
        "304": lambda rng: ("GET", path, b"", {**base, "If-None-Match": etag}),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8793)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/3")
    args = parser.parse_args()
    setup(DATABASE_NAME)
    from django.db import connection

    product_path = _seed()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    # DEBUG off serves hashed static names from a manifest, as in production: collect them first
    static_root = tempfile.mkdtemp(prefix="meidu-pagebench-static-")
    env = server_env(args.redis, DATABASE_URL=os.environ["DATABASE_URL"], STATIC_ROOT=static_root)
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, capture_output=True
    )
    if collected.returncode:
        raise SystemExit(f"collectstatic failed: {collected.stderr.decode()[-2000:]}")
    pages = {"product page": product_path, "farm price board": "/farm/"}
    results = {}
    for fast_path in ("0", "1"):
        _measure(args, {**env, "PAGE_FAST_PATH": fast_path}, pages, results)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(json.dumps({"commit": commit, "cores": os.cpu_count(), "results": results}, default=str))
    if any(result["errors"] or not result["requests"] for result in results.values()):
        sys.exit(1)


def _measure(args, env: dict, pages: dict, results: dict) -> None:
    """The runs of every page on one server (the miss only with the layer on: it renders either way)."""
    layer = "in front of Django" if env["PAGE_FAST_PATH"] == "1" else "through Django"
    server = serve(args.port, args.workers, env)
    try:
        pids_of = process_roles(server.pid, DATABASE_NAME)
        for label, path in pages.items():
            first = _headers(args.port, path)
            again = _headers(args.port, path)
            if again.get("x-page-cache") != "hit" or "public" not in again.get("cache-control", ""):
                raise SystemExit(f"{label}: not served from the page cache: {first} / {again}")
            etag = again["etag"]
            _headers(args.port, path, etag)  # a first 304 through Django teaches the layer its headers
            runs = _requests(path, etag)
            if env["PAGE_FAST_PATH"] != "1":
                runs.pop("miss")
            for kind, make in runs.items():
                expected = 304 if kind == "304" else 200
                result = drive(
                    args.port,
                    make,
                    lambda status, payload, expected=expected: status == expected,
                    clients=args.clients,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    rate=0.0,
                    pids_of=pids_of,
                )
                results[f"{label} {kind} {layer}"] = result
                cpu = result["cpu_ms_per_request"]
                report(
                    f"public page over HTTP: {label}, {args.workers} workers, {args.clients} clients",
                    f"page cache {kind} ({layer}): req/s, p99, server CPU per request",
                    f"{result['rps']:.0f} req/s, p99 {result['p99_ms']:.1f} ms, gunicorn {cpu['gunicorn']:.2f} ms CPU",
                )
                print(
                    f"{label:17s} {kind:4s} {layer:18s} {result['rps']:7.0f} req/s  p50 {result['p50_ms']:6.1f} ms  "
                    f"p99 {result['p99_ms']:6.1f} ms  errors {result['errors']}  CPU ms/req: gunicorn "
                    f"{cpu['gunicorn']:.2f}, postgres {cpu['postgres']:.2f}, client {cpu['client']:.2f}, "
                    f"machine {cpu['machine']:.2f}  (load before {result['load_before']:.2f})",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
