"""Alipay's daily bill: the download URL asked with a signed request, the zip of GBK CSV files read,
its lines reconciled against our transactions by the beat job (services.reconciliation)."""

from datetime import date
from decimal import Decimal

import pytest
import requests

from marketplace.payments import services
from marketplace.payments.gateways import GatewayError, gateway_get
from marketplace.payments.gateways.alipay.bill import BillError, detail_text, rows_of
from marketplace.payments.gateways.base import BILL_PAYMENT, BILL_REFUND
from marketplace.payments.models import BillDifferenceKind, BillRun, BillRunStatus
from marketplace.payments.tasks import bills_reconcile_daily
from tests.support.alipay_server import bill_row

ALIPAY = "meidu.payments.alipay"
DAY = date(2026, 12, 5)


def paid_item(make_checkout, buyer, alipay_api, key):
    outcome = services.transaction_initialize(
        checkout_token=make_checkout(buyer).token,
        gateway_id=ALIPAY,
        data={"mode": "page", "returnUrl": "https://meidu.example.cn/r/"},
        idempotency_key=key,
        user=buyer,
    )
    requests.get(outcome.event.data["alipay"]["payUrl"], timeout=5)
    alipay_api.pay(outcome.item.token.hex)
    services.transaction_process(outcome.item, user=buyer)
    outcome.item.refresh_from_db()
    return outcome.item


def test_bill_zip_read_in_gbk(alipay_api):
    rows = [
        bill_row("2026120522001000000000000001", "a" * 32, "交易", Decimal("25.00")),
        bill_row("2026120522001000000000000001", "a" * 32, "退款", Decimal("-5.50"), "R123"),
        bill_row("2026120522001000000000000002", "b" * 32, "冻结", Decimal("1.00")),  # other types are left out
    ]
    text = detail_text(alipay_api.bill_zip(rows))
    assert text.startswith("#支付宝业务明细查询")
    read = list(rows_of(text))
    assert [(r.kind, r.trade_no, r.out_trade_no, r.out_request_no, r.amount) for r in read] == [
        ("payment", "2026120522001000000000000001", "a" * 32, "", Decimal("25.00")),
        ("refund", "2026120522001000000000000001", "a" * 32, "R123", Decimal("5.50")),
    ]


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (b"not a zip", "not a zip"),
        ("empty", "no detail file"),
    ],
)
def test_unreadable_bills_are_refused(alipay_api, archive, message):
    import io
    import zipfile

    if archive == "empty":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as bundle:
            bundle.writestr("summary.csv", "#nothing")
        archive = buffer.getvalue()
    with pytest.raises(BillError, match=message):
        detail_text(archive)
    with pytest.raises(BillError, match="no header row"):
        list(rows_of("#only comments\n"))
    with pytest.raises(BillError, match="no readable amount"):
        list(rows_of("支付宝交易号,商户订单号,业务类型,订单金额（元）,退款批次号/请求号\n1,2,交易,abc,\n"))


def test_bill_lines_and_a_matched_day(make_checkout, buyer, operator, alipay_api):
    first = paid_item(make_checkout, buyer, alipay_api, "k1")
    second = paid_item(make_checkout, buyer, alipay_api, "k2")
    refund = services.transaction_refund(second, "5.00", actor=operator, idempotency_key="back")
    lines = list(gateway_get(ALIPAY).bill_lines(DAY))
    request = alipay_api.requests[-1]["params"]
    assert request["method"] == "alipay.data.dataservice.bill.downloadurl.query"
    assert '"bill_type":"trade"' in request["biz_content"] and '"bill_date":"2026-12-05"' in request["biz_content"]
    assert {(line.kind, line.psp_reference, line.our_reference, line.amount) for line in lines} == {
        (BILL_PAYMENT, alipay_api.trades[first.token.hex].trade_no, first.token.hex, Decimal("25.00")),
        (BILL_PAYMENT, alipay_api.trades[second.token.hex].trade_no, second.token.hex, Decimal("25.00")),
        (BILL_REFUND, refund.psp_reference, second.token.hex, Decimal("5.00")),
    }
    run = services.bill_reconcile_gateway_day(gateway_get(ALIPAY), DAY)
    assert (run.status, run.lines, run.matched, run.differences_count) == (BillRunStatus.MATCHED, 3, 3, 0)


def test_differences_are_flagged(make_checkout, buyer, alipay_api, caplog):
    item = paid_item(make_checkout, buyer, alipay_api, "k1")
    trade = alipay_api.trades[item.token.hex]
    alipay_api.bills[DAY.isoformat()] = alipay_api.bill_zip(
        [
            bill_row(trade.trade_no, item.token.hex, "交易", Decimal("24.99")),  # Alipay took another amount
            bill_row("2026120522001999999999999999", "c" * 32, "交易", Decimal("8.00")),  # we never heard of it
        ]
    )
    run = services.bill_reconcile_gateway_day(gateway_get(ALIPAY), DAY)
    assert run.status == BillRunStatus.FLAGGED
    assert sorted(run.differences.values_list("kind", "psp_reference")) == sorted(
        [
            (BillDifferenceKind.AMOUNT_MISMATCH, trade.trade_no),
            (BillDifferenceKind.MISSING_OURS, "2026120522001999999999999999"),
        ]
    )
    assert "finance operators must check it" in caplog.text


def test_the_beat_job_reconciles_alipay_and_retries_a_bill_not_had(make_checkout, buyer, alipay_api, settings):
    settings.ALIPAY_TIMEOUT_SECONDS = 0.3
    alipay_api.hang = True
    bills_reconcile_daily.apply()
    failed = BillRun.objects.filter(gateway=ALIPAY)
    assert failed.count() == 3 and {run.status for run in failed} == {BillRunStatus.FAILED}
    alipay_api.hang = False
    bills_reconcile_daily.apply()  # a day without trades has no bill at Alipay: an empty, matched day
    assert {run.status for run in BillRun.objects.filter(gateway=ALIPAY)} == {BillRunStatus.MATCHED}


def test_a_bill_that_cannot_be_read_is_a_gateway_error(alipay_api):
    alipay_api.bills[DAY.isoformat()] = b"<html>expired link</html>"
    alipay_api.trades["x"] = None  # any trade: the bill "exists"
    with pytest.raises(GatewayError, match="could not be read"):
        list(gateway_get(ALIPAY).bill_lines(DAY))
