"""Alipay's asynchronous notifications through HTTP: requests/s, p50/p99, first deliveries and replays.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/meidu_alipay_bench \\
      .venv/bin/python benchmarks/alipay_notify.py [--notifications 2000] [--clients 8] [--workers 2]
        [--worker-class sync|gthread] [--threads 4] [--redis redis://127.0.0.1:6379/5]

1. Seeds ``--notifications`` checkouts, each with an Alipay transaction waiting for the buyer
   (transactionInitialize through the services, on a scratch database migrated by _setup.py).
2. Writes an app key pair and an "Alipay" key pair to a temporary folder and serves the site with
   gunicorn configured for Alipay (ALIPAY_* environment variables, as production would).
3. Closed loop: ``--clients`` threads with keep-alive connections POST one signed trade_status_sync
   (TRADE_SUCCESS, the asked amount) per transaction, form-encoded as Alipay sends them: every one
   is verified (RSA2), its notify_id stored and the charge recorded. Then every notification is sent
   again (Alipay's retries): verified, recognised as a replay, nothing written.
4. Reports requests/s, p50/p90/p99/max per pass, the answers, and checks the database: one
   CHARGE_SUCCESS per transaction, one stored notify_id per notification.
Goal (issue 21): >= 300 notifications/s with p99 <= 30 ms on this machine (2 cores).
"""

import argparse
import http.client
import os
import queue
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from _http import cpu_seconds, process_roles, serve, server_env  # noqa: E402
from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

APP_ID = "2021000000000001"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _keys(folder: Path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    app = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    alipay = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (folder / "app.pem").write_bytes(
        app.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (folder / "alipay_public.pem").write_bytes(
        alipay.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return alipay


def _prepare(count: int) -> list:
    """``count`` Alipay transactions waiting for the buyer (one checkout each)."""
    from checkout_race import _race_shop

    from marketplace.channels.services import channel_ensure
    from marketplace.checkout.services import checkout_create
    from marketplace.payments.services import transaction_initialize
    from meidu.accounts.services import account_register
    from tests.marketplace.factories import listed_product

    rural = channel_ensure("rural", "乡村好物")
    run = int(time.time())
    owner = account_register(phone=f"135{run % 10**8:08d}", password="bench-pass-2026", roles=())
    shop = _race_shop(owner, run)
    variant = listed_product(
        shop, owner, rural, name="南果梨（支付宝）", price="12.50", quantity=count + 10, sku=f"ALI-{run}"
    ).variants.get()
    items = []
    started = time.perf_counter()
    for n in range(count):
        checkout = checkout_create(channel=rural, user=None, email=f"b{n}@example.com", lines=[(variant, 1)])
        outcome = transaction_initialize(
            checkout_token=checkout.pk,
            gateway_id="meidu.payments.alipay",
            data={"mode": "wap", "returnUrl": "https://meidu.example.cn/r/"},
            idempotency_key=f"bench-{n}",
        )
        items.append(outcome.item)
    print(f"{count} Alipay transactions prepared in {time.perf_counter() - started:.1f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return items


def _notifications(items, alipay_key, run: int) -> list[bytes]:
    from marketplace.payments.gateways.alipay.signing import content_string, sign

    bodies = []
    for n, item in enumerate(items):
        params = {
            "notify_time": "2026-12-06 10:00:00",
            "notify_type": "trade_status_sync",
            "notify_id": f"bench{run}n{n:07d}",
            "app_id": APP_ID,
            "charset": "utf-8",
            "version": "1.0",
            "trade_no": f"2026120622001{run % 10**6:06d}{n:09d}",
            "out_trade_no": item.token.hex,
            "buyer_id": "2088102177846880",
            "seller_id": "2088000000000001",
            "trade_status": "TRADE_SUCCESS",
            "total_amount": f"{item.charge_pending_amount:.2f}",
            "receipt_amount": f"{item.charge_pending_amount:.2f}",
            "subject": "美都集市订单",
            "gmt_create": "2026-12-06 09:59:00",
            "gmt_payment": "2026-12-06 09:59:30",
        }
        params["sign_type"] = "RSA2"
        params["sign"] = sign(content_string(params, exclude=("sign", "sign_type")), alipay_key)
        bodies.append(urlencode(params).encode())
    return bodies


def _pass(port: int, bodies: list[bytes], clients: int, pids_of=None) -> dict:
    work: queue.Queue = queue.Queue()
    for body in bodies:
        work.put(body)
    latencies: list[float] = []
    answers: dict[str, int] = {}
    lock = threading.Lock()

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, seen = [], {}
        while True:
            try:
                body = work.get_nowait()
            except queue.Empty:
                break
            started = time.perf_counter()
            connection.request(
                "POST",
                "/payments/alipay/notify/",
                body=body,
                headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            )
            response = connection.getresponse()
            text = response.read().decode()
            mine.append(time.perf_counter() - started)
            key = f"{response.status} {text}"
            seen[key] = seen.get(key, 0) + 1
        connection.close()
        with lock:
            latencies.extend(mine)
            for key, value in seen.items():
                answers[key] = answers.get(key, 0) + value

    threads = [threading.Thread(target=client) for _ in range(clients)]
    cpu_before = cpu_seconds(pids_of) if pids_of else {}
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    cpu = {
        role: round((value - cpu_before[role]) / len(ordered) * 1000, 2)
        for role, value in (cpu_seconds(pids_of).items() if pids_of else [])
    }

    def pct(p):
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    return {
        "requests": len(ordered),
        "seconds": elapsed,
        "per_second": len(ordered) / elapsed,
        "p50": pct(50),
        "p90": pct(90),
        "p99": pct(99),
        "max": ordered[-1] * 1000,
        "mean": statistics.mean(ordered) * 1000,
        "answers": answers,
        "cpu_ms_per_request": cpu,
        "load": round(os.getloadavg()[0], 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notifications", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="alipay-bench-"))
    alipay_key = _keys(folder)
    os.environ.update(
        ALIPAY_APP_ID=APP_ID,
        ALIPAY_APP_PRIVATE_KEY_PATH=str(folder / "app.pem"),
        ALIPAY_PUBLIC_KEY_PATH=str(folder / "alipay_public.pem"),
        ALIPAY_GATEWAY_URL="http://127.0.0.1:9/gateway.do",  # never called: notifications need no API call
        ALIPAY_NOTIFY_URL="http://127.0.0.1/payments/alipay/notify/",
    )
    setup("meidu_alipay_bench")
    items = _prepare(args.notifications)
    bodies = _notifications(items, alipay_key, int(time.time()))

    port = _free_port()
    server = serve(port, args.workers, server_env(args.redis), args.worker_class, args.threads)
    try:
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        pids_of = process_roles(server.pid, os.environ["DATABASE_URL"].rsplit("/", 1)[-1].split("?")[0])
        first = _pass(port, bodies, args.clients, pids_of)
        replay = _pass(port, bodies, args.clients, pids_of)
    finally:
        server.terminate()
        server.wait(timeout=30)

    from marketplace.payments.models import PaymentNotification, TransactionEvent

    tokens = [item.pk for item in items]
    charged = TransactionEvent.objects.filter(item_id__in=tokens, type="CHARGE_SUCCESS").count()
    stored = PaymentNotification.objects.filter(gateway="meidu.payments.alipay").count()
    for name, result in (("first delivery", first), ("replay", replay)):
        print(
            f"{name}: {result['requests']} in {result['seconds']:.2f} s = {result['per_second']:.0f}/s; "
            f"p50 {result['p50']:.1f} ms, p90 {result['p90']:.1f} ms, p99 {result['p99']:.1f} ms, "
            f"max {result['max']:.1f} ms; answers {result['answers']}; "
            f"CPU ms per request {result['cpu_ms_per_request']}, load {result['load']}"
        )
    print(f"database: {charged} CHARGE_SUCCESS for {len(items)} transactions; {stored} notify ids stored")
    ok = first["per_second"] >= 300 and first["p99"] <= 30 and charged == len(items)
    print("goal (>= 300/s, p99 <= 30 ms):", "met" if ok else "NOT met")
    path = f"Alipay notifications over HTTP, {args.workers} workers, {args.clients} clients"
    report(path, "first deliveries/s", f"{first['per_second']:.0f}/s", ">= 300/s", first["per_second"] >= 300)
    report(path, "first deliveries p99", f"{first['p99']:.1f} ms", "<= 30 ms", first["p99"] <= 30)
    report(path, "replays/s, p99", f"{replay['per_second']:.0f}/s, p99 {replay['p99']:.1f} ms")


if __name__ == "__main__":
    main()
