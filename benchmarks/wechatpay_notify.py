"""WeChat Pay payment notifications through HTTP: requests/s and p99 (goal >= 300/s, p99 <= 30 ms).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/meidu_bench_notify \\
      .venv/bin/python benchmarks/wechatpay_notify.py [--notifications 3000] [--clients 8] [--workers 2]

1. Seeds ``--notifications`` WeChat Pay transactions waiting for their payment (bulk inserts on a scratch
   database migrated by benchmarks/_setup.py).
2. Writes a merchant key and a platform key and certificate to a temporary folder and serves the site
   with gunicorn (``--workers`` sync workers, MEIDU_MODE=demo settings with DEBUG off), WECHATPAY_* set
   to those files, as in production.
3. Builds one TRANSACTION.SUCCESS notification per transaction the way WeChat Pay does (resource
   encrypted with AES-256-GCM under the APIv3 key, headers signed with the platform key: the
   local fake of tests/support/wechatpay_server.py) and POSTs them all from ``--clients`` threads,
   each on its own keep-alive connection, in a closed loop. Every request is a real payment:
   signature checked, resource decrypted, notification id stored, item locked, event recorded,
   the orders' hook fired. Then the same notifications once more (repeats: acknowledged, nothing changes).
Reports requests/s, p50/p90/p99/max and the answers' status codes.
"""

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

from _http import cpu_seconds, process_roles, serve  # noqa: E402
from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _seed(count: int) -> list[str]:
    from marketplace.payments.models import TransactionEvent, TransactionItem

    TransactionItem.objects.filter(idempotency_key__startswith="bench-notify-").delete()
    items = [
        TransactionItem(
            checkout_token=uuid.uuid4(),
            gateway="meidu.payments.wechatpay",
            name="WeChat Pay",
            action="CHARGE",
            currency="CNY",
            charge_pending_amount=Decimal("25.00"),
            idempotency_key=f"bench-notify-{n}",
            request_hash="bench",
        )
        for n in range(count)
    ]
    TransactionItem.objects.bulk_create(items, batch_size=5000)
    TransactionEvent.objects.bulk_create(
        [TransactionEvent(item=item, type="CHARGE_REQUEST", amount=Decimal("25.00")) for item in items], batch_size=5000
    )
    return [item.token.hex for item in items]


def _post_all(port: int, notifications: list, clients: int) -> tuple[list[float], dict, float]:
    queue = list(reversed(notifications))
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                headers, body = queue.pop()
            started = time.perf_counter()
            connection.request(
                "POST",
                "/payments/wechatpay/notify/",
                body=body,
                headers={**headers, "Content-Type": "application/json"},
            )
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - started


def _measured(port: int, notifications: list, clients: int, pids_of) -> tuple:
    """One pass with the CPU each role spent on it (gunicorn, PostgreSQL backends, this client, machine)."""
    before = cpu_seconds(pids_of)
    latencies, statuses, seconds = _post_all(port, notifications, clients)
    used = {role: value - before[role] for role, value in cpu_seconds(pids_of).items()}
    return latencies, statuses, seconds, used


def _report(label: str, latencies: list[float], statuses: dict, seconds: float, used: dict | None = None) -> None:
    ordered = sorted(latencies)

    def pct(p):
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    print(
        f"{label}: {len(ordered)} requests in {seconds:.1f} s = {len(ordered) / seconds:,.0f}/s; "
        f"p50 {pct(0.5):.1f} ms, p90 {pct(0.9):.1f} ms, p99 {pct(0.99):.1f} ms, max {ordered[-1] * 1000:.1f} ms, "
        f"mean {statistics.mean(ordered) * 1000:.1f} ms; status {statuses}"
    )
    if used:
        per = {role: round(value / len(ordered) * 1000, 2) for role, value in used.items()}
        print(f"  CPU ms per request: {per}; load average {os.getloadavg()[0]:.2f}")
    path = f"WeChat Pay notifications over HTTP, {label}"
    rate, p99 = len(ordered) / seconds, pct(0.99)
    if label == "first deliveries":
        report(path, "notifications/s", f"{rate:,.0f}/s", ">= 300/s", rate >= 300)
        report(path, "p99", f"{p99:.1f} ms", "<= 30 ms", p99 <= 30)
    else:
        report(path, "notifications/s, p99", f"{rate:,.0f}/s, p99 {p99:.1f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--notifications", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()
    setup("meidu_bench_notify")
    from django.db import connection

    from tests.support.wechatpay_server import FakeWechatPay, cached_key, wechatpay_settings

    numbers = _seed(args.notifications)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE payments_transactionitem")
        cursor.execute("VACUUM ANALYZE payments_transactionevent")
    merchant = cached_key("merchant")
    fake = FakeWechatPay(merchant.public_key())
    folder = Path(tempfile.mkdtemp(prefix="meidu-wxbench-"))

    class _Settings:  # collects what wechatpay_settings would set, to hand to the server's environment
        pass

    values = _Settings()
    fake.base_url = "https://api.mch.weixin.qq.com"
    wechatpay_settings(values, fake, folder, merchant)
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="meidu.settings.base",
        MEIDU_MODE="demo",
        DEBUG="0",
        PUBLIC_URL="http://127.0.0.1",
        DATABASE_URL=os.environ["DATABASE_URL"],
        # The notifications are signed before the run; a slow run must not age them out of the window.
        WECHATPAY_NOTIFY_MAX_SKEW_SECONDS="3600",
        **{name: str(value) for name, value in vars(values).items() if name.startswith("WECHATPAY_")},
    )
    env.pop("MEIDU_TEST_BROKER_URL", None)
    notifications = []
    for number in numbers:
        resource = {
            "mchid": "1900000109",
            "out_trade_no": number,
            "transaction_id": f"42{uuid.UUID(hex=number).int % 10**26:026d}",
            "trade_state": "SUCCESS",
            "success_time": "2026-12-06T12:00:00+08:00",
            "amount": {"total": 2500, "payer_total": 2500, "currency": "CNY"},
        }
        notifications.append(fake.notification("TRANSACTION.SUCCESS", resource))
    print(f"load average before the run: {os.getloadavg()[0]:.2f} (2 cores)")
    server = serve(args.port, args.workers, env)
    try:
        warm = notifications[: args.clients * 10]
        _post_all(args.port, warm, args.clients)
        rest = notifications[len(warm) :]
        database = os.environ["DATABASE_URL"].rsplit("/", 1)[-1].split("?")[0]
        pids_of = process_roles(server.pid, database)
        _report("first deliveries", *_measured(args.port, rest, args.clients, pids_of))
        _report("repeats", *_measured(args.port, rest, args.clients, pids_of))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
