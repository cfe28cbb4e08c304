"""Reconciling a 50,000-line Alipay daily bill: fetched, read and matched end to end, timed.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/meidu_alipay_bench \\
      .venv/bin/python benchmarks/alipay_bill_reconcile.py [--lines 50000] [--refund-share 0.1]

1. Writes our side in bulk: one Alipay TransactionItem per payment with its CHARGE_SUCCESS event, and
   REFUND_SUCCESS events for a share of them. THIS BYPASSES THE SERVICES, FOR SPEED AND ONLY FOR
   BENCHMARK DATA (as marketplace/bulk_seed.py does): 50,000 payments through the checkout would
   take the better part of an hour and measure the checkout, not the reconciliation.
2. Builds Alipay's side: the bill zip (detail and summary CSV in GBK, GBK file names) of the same
   movements, with 10 amounts changed and 10 payments we never recorded, served by the local Alipay
   of tests/support/alipay_server.py (signed API answers, real HTTP, ephemeral port).
3. Times the beat job's path for one day: the signed bill.downloadurl.query, the download, reading
   the GBK CSV into BillLines, matching them against our events and recording the run with its
   differences (services.reconciliation.bill_reconcile_gateway_day).
Goal (issue 21): a 50,000-line bill reconciled in <= 60 s.
"""

import argparse
import os
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

ALIPAY = "meidu.payments.alipay"


def _our_side(payments: int, refunds: int, run: int) -> list[tuple[str, str, Decimal, str]]:
    """Bulk rows; (trade_no, out_trade_no, amount, refund request no or "") per movement."""
    from django.db import transaction

    from marketplace.payments.models import TransactionEvent, TransactionItem

    movements = []
    with transaction.atomic():
        items = []
        for n in range(payments):
            amount = Decimal(10 + n % 500) + Decimal(n % 100) / 100
            refunded = (amount / 2).quantize(Decimal("0.01")) if n < refunds else Decimal("0.00")
            items.append(
                TransactionItem(
                    checkout_token=uuid.uuid4(),
                    gateway=ALIPAY,
                    name="Alipay",
                    action="CHARGE",
                    currency="CNY",
                    charged_amount=amount,
                    refunded_amount=refunded,
                    idempotency_key=f"bench-bill-{run}-{n}",
                    request_hash="bench",
                )
            )
        TransactionItem.objects.bulk_create(items, batch_size=5000)
        for item in items:
            item.psp_reference = item.token.hex
        TransactionItem.objects.bulk_update(items, ["psp_reference"], batch_size=5000)
        events = []
        for n, item in enumerate(items):
            trade_no = f"2026{run % 10**6:06d}{n:012d}"
            events.append(
                TransactionEvent(item=item, type="CHARGE_SUCCESS", amount=item.charged_amount, psp_reference=trade_no)
            )
            movements.append((trade_no, item.psp_reference, item.charged_amount, ""))
            if item.refunded_amount:
                request_no = f"R{run}{n:012d}"
                events.append(
                    TransactionEvent(
                        item=item, type="REFUND_SUCCESS", amount=item.refunded_amount, psp_reference=request_no
                    )
                )
                movements.append((trade_no, item.psp_reference, item.refunded_amount, request_no))
        TransactionEvent.objects.bulk_create(events, batch_size=5000)
    return movements


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--refund-share", type=float, default=0.1)
    args = parser.parse_args()

    setup("meidu_alipay_bench")
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from marketplace.payments.gateways import gateway_get
    from marketplace.payments.services import bill_reconcile_gateway_day
    from tests.support.alipay_server import APP_ID, bill_row, key_pair, private_pem, public_pem, start_server

    run = int(time.time())
    refunds = int(args.lines * args.refund_share)
    payments = args.lines - refunds
    started = time.perf_counter()
    movements = _our_side(payments, refunds, run)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) payments_transactionitem")
        cursor.execute("VACUUM (ANALYZE) payments_transactionevent")
    print(f"our side: {len(movements)} movements written in bulk in {time.perf_counter() - started:.1f} s")

    rows = []
    for n, (trade_no, out_trade_no, amount, request_no) in enumerate(movements):
        if request_no:
            rows.append(bill_row(trade_no, out_trade_no, "退款", -amount, request_no))
        else:
            billed = amount + Decimal("0.01") if n < 20 and n % 2 == 0 else amount  # 10 changed amounts
            rows.append(bill_row(trade_no, out_trade_no, "交易", billed))
    for n in range(10):  # 10 payments Alipay took that we never recorded
        rows.append(bill_row(f"2099{run % 10**6:06d}{n:012d}", uuid.uuid4().hex, "交易", Decimal("9.90")))

    folder = Path(tempfile.mkdtemp(prefix="alipay-bill-"))
    (folder / "app.pem").write_bytes(private_pem(key_pair("app")))
    (folder / "alipay_public.pem").write_bytes(public_pem(key_pair("alipay")))
    server, state = start_server(key_pair("app").public_key())
    day = timezone.localdate()
    started = time.perf_counter()
    state.bills[day.isoformat()] = state.bill_zip(rows, day=day.isoformat())
    print(
        f"Alipay's side: {len(rows)} bill lines, zip of {len(state.bills[day.isoformat()]) / 1e6:.1f} MB "
        f"built in {time.perf_counter() - started:.1f} s"
    )
    settings.ALIPAY_APP_ID = APP_ID
    settings.ALIPAY_APP_PRIVATE_KEY_PATH = str(folder / "app.pem")
    settings.ALIPAY_PUBLIC_KEY_PATH = str(folder / "alipay_public.pem")
    settings.ALIPAY_GATEWAY_URL = f"{state.base_url}/gateway.do"
    settings.ALIPAY_TIMEOUT_SECONDS = 30
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    try:
        started = time.perf_counter()
        result = bill_reconcile_gateway_day(gateway_get(ALIPAY), day)
        elapsed = time.perf_counter() - started
    finally:
        server.shutdown()
        server.server_close()
    kinds = {}
    for kind in result.differences.values_list("kind", flat=True):
        kinds[kind] = kinds.get(kind, 0) + 1
    print(
        f"reconciled {result.lines} lines in {elapsed:.1f} s: {result.status}, {result.matched} matched, "
        f"differences {kinds} (expected 10 AMOUNT_MISMATCH, 10 MISSING_OURS, and MISSING_PROVIDER only for "
        f"other runs' rows of today); provider {result.provider_total}, ours {result.our_total}"
    )
    print("goal (<= 60 s):", "met" if elapsed <= 60 and result.lines == len(rows) else "NOT met")
    report(
        f"Alipay daily bill reconciled ({result.lines:,} lines)",
        "time",
        f"{elapsed:.1f} s",
        goal="50,000 lines in <= 60 s",
        met=(elapsed <= 60 and result.lines == len(rows)) if result.lines >= 50_000 else None,
    )


if __name__ == "__main__":
    main()
