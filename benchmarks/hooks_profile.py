"""One partner callback in process, as gunicorn's worker runs it: the WSGI application of meidu.wsgi with
the server's settings (MEIDU_MODE=demo, DEBUG off, the cache on Redis), called with the environ of the
same POST the HTTP benchmark sends (wechatpay_notify.py, alipay_notify.py, tracking_push.py build them).
Reports CPU per request (this process and its PostgreSQL backend), the SQL statements of one request
and a cProfile, so the receivers' server CPU can be cut without the load generator sharing the cores.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/meidu_bench_hooks \\
      .venv/bin/python benchmarks/hooks_profile.py [--receiver wechatpay|alipay|tracking|all]
        [--requests 600] [--redis redis://127.0.0.1:6379/5] [--profile cprofile|none] [--top 40]

The database must be migrated (run the receiver's HTTP benchmark once, or benchmarks/_setup.py); each run
seeds its own transactions (first deliveries) or waybills. Every request is a first delivery (payments) or
a new scan (tracking); a wrong answer stops the run. `--receiver all` (the default, as `make bench` runs it)
measures the three one after another, each in a process of its own (each sets its partner's settings
before Django starts).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _report import report

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent


def _environ(path: str, body: bytes, headers: dict[str, str]) -> dict:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
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
    for name, value in headers.items():
        if name.lower() == "content-type":
            environ["CONTENT_TYPE"] = value
        else:
            environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


RECEIVERS = {
    "wechatpay": "WeChat Pay notification, first delivery",
    "alipay": "Alipay notification, first delivery",
    "tracking": "express tracking push",
}


def _each_receiver(argv: list[str]) -> int:
    """Run this script once per receiver (a process each); non-zero if any could not measure."""
    import subprocess

    kept, skip = [], False
    for arg in argv:  # everything but this run's --receiver (all)
        if not skip and not arg.startswith("--receiver"):
            kept.append(arg)
        skip = arg == "--receiver"
    failed = 0
    for receiver in RECEIVERS:
        failed |= subprocess.call([sys.executable, __file__, *kept, "--receiver", receiver])
    return failed


def _backend_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _configure(receiver: str, folder: Path):
    """Environment of the receiver's partner (keys written to ``folder``), before Django is set up;
    returns what builds the requests once the database is reachable."""
    if receiver == "wechatpay":
        from tests.support.wechatpay_server import FakeWechatPay, cached_key, wechatpay_settings

        merchant = cached_key("merchant")
        fake = FakeWechatPay(merchant.public_key())
        fake.base_url = "https://api.mch.weixin.qq.com"

        class _Values:
            pass

        values = _Values()
        wechatpay_settings(values, fake, folder, merchant)
        os.environ.update({k: str(v) for k, v in vars(values).items() if k.startswith("WECHATPAY_")})
        os.environ["WECHATPAY_NOTIFY_MAX_SKEW_SECONDS"] = "3600"

        def build(count: int) -> list:
            from wechatpay_notify import _seed

            requests = []
            for number in _seed(count):
                resource = {
                    "mchid": "1900000109",
                    "out_trade_no": number,
                    "transaction_id": f"42{uuid.UUID(hex=number).int % 10**26:026d}",
                    "trade_state": "SUCCESS",
                    "success_time": "2026-12-06T12:00:00+08:00",
                    "amount": {"total": 2500, "payer_total": 2500, "currency": "CNY"},
                }
                headers, body = fake.notification("TRANSACTION.SUCCESS", resource)
                requests.append(("/payments/wechatpay/notify/", body, {**headers, "Content-Type": "application/json"}))
            return requests

        return build, lambda status, out: status.startswith("200") and b'"SUCCESS"' in out
    if receiver == "alipay":
        from alipay_notify import APP_ID, _keys

        alipay_key = _keys(folder)
        os.environ.update(
            ALIPAY_APP_ID=APP_ID,
            ALIPAY_APP_PRIVATE_KEY_PATH=str(folder / "app.pem"),
            ALIPAY_PUBLIC_KEY_PATH=str(folder / "alipay_public.pem"),
            ALIPAY_GATEWAY_URL="http://127.0.0.1:9/gateway.do",
            ALIPAY_NOTIFY_URL="http://127.0.0.1/payments/alipay/notify/",
        )

        def build(count: int) -> list:
            from alipay_notify import _notifications, _prepare

            bodies = _notifications(_prepare(count), alipay_key, int(time.time()))
            headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
            return [("/payments/alipay/notify/", body, headers) for body in bodies]

        return build, lambda status, out: status.startswith("200") and out == b"success"
    from tracking_push import SALT

    os.environ["LOGISTICS_TRACKING_SALT"] = SALT

    def build(count: int) -> list:
        from tracking_push import _pusher, _seed

        make = _pusher(_seed(300))
        rng = random.Random(7)
        requests = []
        for _ in range(count):
            _, path, body, headers = make(rng)
            requests.append((path, body, headers))
        return requests

    return build, lambda status, out: status.startswith("200") and b'"returnCode": "200"' in out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--receiver", choices=[*RECEIVERS, "all"], default="all")
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--profile", choices=["cprofile", "none"], default="cprofile")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    if args.receiver == "all":
        sys.exit(_each_receiver(sys.argv[1:]))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="meidu.settings.base",
        MEIDU_MODE="demo",
        DEBUG="0",
        REDIS_URL=args.redis,
        PUBLIC_URL="http://127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=os.environ["BENCH_DATABASE_URL"],
        # One PostgreSQL backend for the whole run, so its CPU can be read (with the server's 60 s the
        # connection is closed and reopened between requests of a slow run)
        DB_CONN_MAX_AGE="3600",
    )
    os.environ.pop("MEIDU_TEST_BROKER_URL", None)
    sys.path[:0] = [str(ROOT), str(HERE)]
    build, answered = _configure(args.receiver, Path(tempfile.mkdtemp(prefix="meidu-hooks-profile-")))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meidu.wsgi import application

    measured = args.requests
    profiled = args.requests if args.profile == "cprofile" else 0
    warm = max(20, args.requests // 10)
    requests = build(warm + measured + profiled)
    print(f"load average after seeding: {os.getloadavg()[0]:.2f} (2 cores)")

    def call(request) -> None:
        path, body, headers = request
        status: list[str] = []
        chunks = application(_environ(path, body, headers), lambda s, h, exc_info=None: status.append(s))
        out = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        assert answered(status[0], out), (status, out[:300])

    for request in requests[: warm - 1]:
        call(request)
    with CaptureQueriesContext(connection) as captured:
        call(requests[warm - 1])
    statements = list(captured.captured_queries)
    print(f"SQL statements of one request: {len(statements)}")
    for query in statements:
        print("   ", query["sql"][:200])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    batch = requests[warm : warm + measured]
    per_request = []
    pg_before, cpu_before, wall_before = _backend_cpu(backend), time.process_time(), time.perf_counter()
    for request in batch:
        started = time.process_time()
        call(request)
        per_request.append(time.process_time() - started)
    cpu, wall = time.process_time() - cpu_before, time.perf_counter() - wall_before
    pg = _backend_cpu(backend) - pg_before
    n = len(batch)
    print(
        json.dumps(
            {
                "receiver": args.receiver,
                "requests": n,
                "sql_per_request": len(statements),
                "app_cpu_ms_mean": round(cpu / n * 1000, 3),
                "app_cpu_ms_median": round(statistics.median(per_request) * 1000, 3),
                "postgres_cpu_ms_mean": round(pg / n * 1000, 3),
                "wall_ms_mean": round(wall / n * 1000, 3),
                "load": os.getloadavg(),
            },
            indent=2,
        )
    )
    report(
        f"{RECEIVERS[args.receiver]}, in process (hooks_profile.py)",
        "per request: SQL statements, app CPU, PostgreSQL CPU",
        f"{len(statements)} statements, app {cpu / n * 1000:.2f} ms, PostgreSQL {pg / n * 1000:.2f} ms (means)",
    )
    if profiled:
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)  # CPU, not the waits of a shared machine
        profiler.enable()
        for request in requests[warm + measured :]:
            call(request)
        profiler.disable()
        if os.environ.get("PROFILE_DUMP"):
            profiler.dump_stats(os.environ["PROFILE_DUMP"])
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
