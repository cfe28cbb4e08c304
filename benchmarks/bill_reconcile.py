"""Reconciliation of one day's WeChat Pay trade bill of ``--lines`` lines (goal: 50,000 lines in <= 60 s).

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/meidu_bench_bill \\
      .venv/bin/python benchmarks/bill_reconcile.py [--lines 50000] [--differences 25]

1. Seeds (once per line count) that many paid WeChat Pay transactions of today, each with its
   CHARGE_SUCCESS event (bulk inserts on a scratch database migrated by benchmarks/_setup.py; the
   benchmark measures the reconciliation, not the seeding), plus one refund per 20 payments.
2. Writes the day's bill file as WeChat Pay does (CSV, backquoted values, summary rows), with
   ``--differences`` lines altered (another amount) and as many payments left out and added.
3. Times the whole reconciliation: parsing the file into BillLines and ``bill_reconcile`` (matching
   against our events, writing the BillRun and its differences), and prints seconds, lines/s and
   the SQL statements it ran.
"""

import argparse
import time
import uuid
from decimal import Decimal

from _report import report  # noqa: E402
from _setup import setup  # noqa: E402

GATEWAY = "meidu.payments.wechatpay"
HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
    "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
    "手续费,费率,订单金额,申请退款金额,费率备注"
)


def _seed(lines: int, day):
    from django.utils import timezone

    from marketplace.payments.models import TransactionEvent, TransactionItem

    marker = f"bench-bill-{lines}"
    if TransactionItem.objects.filter(idempotency_key__startswith=marker).count() >= lines:
        return
    TransactionItem.objects.filter(idempotency_key__startswith="bench-bill-").delete()
    now = timezone.now()
    items = []
    for n in range(lines):
        amount = Decimal(1000 + (n * 37) % 90000) / 100
        items.append(
            TransactionItem(
                checkout_token=uuid.uuid4(),
                gateway=GATEWAY,
                name="WeChat Pay",
                psp_reference="",
                action="CHARGE",
                currency="CNY",
                charged_amount=amount,
                refunded_amount=amount / 4 if n % 20 == 0 else 0,
                idempotency_key=f"{marker}-{n}",
                request_hash="bench",
            )
        )
    TransactionItem.objects.bulk_create(items, batch_size=5000)
    events = []
    for n, item in enumerate(items):
        events.append(
            TransactionEvent(
                item=item,
                type="CHARGE_SUCCESS",
                amount=item.charged_amount,
                psp_reference=f"42{n:026d}",
                data={"settledAt": now.isoformat()},
            )
        )
        if n % 20 == 0:
            events.append(
                TransactionEvent(
                    item=item, type="REFUND_SUCCESS", amount=item.refunded_amount, psp_reference=f"50{n:028d}"
                )
            )
    TransactionEvent.objects.bulk_create(events, batch_size=5000)
    for item in items:
        item.psp_reference = item.token.hex
    TransactionItem.objects.bulk_update(items, ["psp_reference"], batch_size=5000)


def _bill(day, differences: int) -> bytes:
    from marketplace.payments.models import TransactionEvent

    rows = [HEADER]
    events = TransactionEvent.objects.filter(item__gateway=GATEWAY, item__idempotency_key__startswith="bench-bill-")
    for n, (type_, reference, amount, token) in enumerate(
        events.order_by("pk").values_list("type", "psp_reference", "amount", "item__token").iterator(chunk_size=10000)
    ):
        if n < differences and type_ == "CHARGE_SUCCESS":
            continue  # left out of the bill
        if differences <= n < 2 * differences:
            amount = amount + Decimal("0.01")  # another amount
        state = "SUCCESS" if type_ == "CHARGE_SUCCESS" else "REFUND"
        values = [
            f"{day} 10:00:00",
            "wx1",
            "1900000109",
            "0",
            "",
            reference if state == "SUCCESS" else "4200",
            token.hex,
        ]
        values += ["oU", "NATIVE", state, "OTHERS", "CNY", f"{amount:.2f}", "0.00"]
        values += [reference if state == "REFUND" else "0", "R1" if state == "REFUND" else "0"]
        values += [
            f"{amount:.2f}" if state == "REFUND" else "0.00",
            "0.00",
            "ORIGINAL",
            "SUCCESS" if state == "REFUND" else "",
        ]
        values += ["美都集市订单", "", "0.00", "0.60%", f"{amount:.2f}", "0.00", ""]
        rows.append(",".join(f"`{value}" for value in values))
    for n in range(differences):
        rows.append(
            ",".join(
                f"`{v}"
                for v in [
                    f"{day} 11:00:00",
                    "wx1",
                    "1900000109",
                    "0",
                    "",
                    f"49{n:026d}",
                    "f" * 32,
                    "oU",
                    "NATIVE",
                    "SUCCESS",
                    "OTHERS",
                    "CNY",
                    "1.00",
                    "0.00",
                    "0",
                    "0",
                    "0.00",
                    "0.00",
                    "",
                    "",
                    "x",
                    "",
                    "0.00",
                    "0.60%",
                    "1.00",
                    "0.00",
                    "",
                ]
            )
        )
    rows.append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额")
    rows.append("`0,`0.00,`0.00,`0.00,`0.00,`0.00,`0.00")
    return ("\n".join(rows) + "\n").encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--differences", type=int, default=25)
    args = parser.parse_args()
    setup("meidu_bench_bill")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from marketplace.payments.gateways.wechatpay.bill import bill_lines_parse
    from marketplace.payments.services import bill_reconcile

    day = timezone.localdate()
    started = time.perf_counter()
    _seed(args.lines, day)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE payments_transactionevent")
        cursor.execute("VACUUM ANALYZE payments_transactionitem")
    print(f"seeded in {time.perf_counter() - started:.1f} s")
    content = _bill(day, args.differences)
    print(f"bill file: {len(content) / 1e6:.1f} MB")

    for attempt in (1, 2):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            run = bill_reconcile(gateway_id=GATEWAY, bill_date=day, lines=bill_lines_parse(content))
        seconds = time.perf_counter() - started
        print(
            f"run {attempt}: {run.lines} lines in {seconds:.2f} s ({run.lines / seconds:,.0f} lines/s), "
            f"{run.matched} matched, {run.differences_count} differences, {len(queries)} SQL statements; "
            f"status {run.status}"
        )
        if attempt == 1:
            met = seconds <= 60 if run.lines >= 50_000 else None  # the goal is for a 50,000-line bill
            report(
                f"WeChat Pay daily bill reconciled ({run.lines:,} lines)",
                "time",
                f"{seconds:.1f} s",
                "50,000 lines in <= 60 s",
                met,
            )


if __name__ == "__main__":
    main()
