"""One anonymous ``receiptVerify`` in process, as gunicorn's worker runs it: the WSGI application of
meidu.wsgi with the server's settings (MEIDU_MODE=demo, DEBUG off, the cache on Redis), called with a
WSGI environ of a POST /graphql/. Reports CPU per request (this process and the PostgreSQL backend),
the SQL statements of one request, and a profile (cProfile, or pyinstrument with --pyinstrument).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/meidu_bench_stmt \\
      .venv/bin/python benchmarks/receipt_verify_profile.py [--requests 2000] [--redis redis://127.0.0.1:6379/5]
        [--profile cprofile|pyinstrument|none] [--top 40]

Seed the database first with benchmarks/receipt_verify.py (it is not migrated nor seeded here).
"""

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

from _report import report

ROOT = Path(__file__).resolve().parent.parent
QUERY = """query V($number: String!, $code: String!) {
  receiptVerify(number: $number, code: $code) {
    statement claims { view number tonnes status pledged chainValid chainLastHash } errors { code }
  }
}"""


def _environ(body: bytes) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/graphql/",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8765",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8765",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def _backend_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--profile", choices=["cprofile", "pyinstrument", "none"], default="cprofile")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="meidu.settings.base",
        MEIDU_MODE="demo",
        DEBUG="0",
        REDIS_URL=args.redis,
        PUBLIC_URL="http://127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=os.environ["BENCH_DATABASE_URL"],
    )
    os.environ.pop("MEIDU_TEST_BROKER_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()  # the models below are imported before meidu.wsgi (which would set Django up)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from magnesium_exchange.warehouses.models import Receipt
    from meidu.wsgi import application

    receipts = list(Receipt.objects.values_list("number", "verification_code"))
    rng = random.Random(7)
    bodies = [json.dumps({"query": QUERY, "variables": {"number": n, "code": c}}).encode() for n, c in receipts]

    def call(body: bytes) -> bytes:
        status = []
        chunks = application(_environ(body), lambda s, h, exc_info=None: status.append(s))
        out = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        assert status[0].startswith("200") and b'"chainValid": true' in out, (status, out[:300])
        return out

    for body in bodies:  # warm: every chain replayed once, every code path imported
        call(body)
    with CaptureQueriesContext(connection) as captured:
        call(bodies[0])
    statements = len(captured)  # read now: the next request resets the connection's log
    print(f"SQL statements of one request: {statements}")
    for query in captured.captured_queries:
        print("   ", query["sql"][:160])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    order = [rng.choice(bodies) for _ in range(args.requests)]
    per_request = []
    pg_before, cpu_before, wall_before = _backend_cpu(backend), time.process_time(), time.perf_counter()
    for body in order:
        started = time.process_time()
        call(body)
        per_request.append(time.process_time() - started)
    cpu, wall = time.process_time() - cpu_before, time.perf_counter() - wall_before
    pg = _backend_cpu(backend) - pg_before
    per_request.sort()
    n = len(order)
    print(
        json.dumps(
            {
                "requests": n,
                "app_cpu_ms_mean": cpu / n * 1000,
                "app_cpu_ms_median": statistics.median(per_request) * 1000,
                "app_cpu_ms_p99": per_request[int(0.99 * n)] * 1000,
                "postgres_cpu_ms_mean": pg / n * 1000,
                "wall_ms_mean": wall / n * 1000,
                "load": os.getloadavg(),
            },
            indent=2,
        )
    )
    report(
        "`receiptVerify` in process (WSGI application, server settings)",
        "CPU per request",
        f"app {statistics.median(per_request) * 1000:.2f} ms median, PostgreSQL {pg / n * 1000:.2f} ms mean, "
        f"{statements} SQL",
    )
    if args.profile == "cprofile":
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for body in order:
            call(body)
        profiler.disable()
        if os.environ.get("PROFILE_DUMP"):
            profiler.dump_stats(os.environ["PROFILE_DUMP"])
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
    elif args.profile == "pyinstrument":
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
        for body in order:
            call(body)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
