"""The WeChat Pay gateway against the local fake WeChat Pay: real RSA signatures both ways, real HTTP."""

from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.payments import services
from marketplace.payments.gateways import gateway_get
from marketplace.payments.gateways.wechatpay.amounts import from_fen, to_fen
from marketplace.payments.models import BillRun, PaymentNotification, TransactionEvent, TransactionItem
from marketplace.payments.selectors import payment_gateways_available
from meidu.core.errors import DomainError
from tests.refusals import assert_refused

WECHATPAY = "meidu.payments.wechatpay"


def _start(make_checkout, buyer, mode="native", quantity=2, key="k1", **extra):
    checkout = make_checkout(buyer, quantity=quantity)
    return services.transaction_initialize(
        checkout_token=checkout.token,
        gateway_id=WECHATPAY,
        action="CHARGE",
        data={"mode": mode, **extra},
        idempotency_key=key,
        user=buyer,
    )


def _paid(make_checkout, buyer, wechatpay, **kwargs):
    outcome = _start(make_checkout, buyer, **kwargs)
    wechatpay.pay(outcome.item.token.hex)
    services.transaction_process(outcome.item, user=buyer)
    outcome.item.refresh_from_db()
    return outcome.item


def _snapshot(item):
    item = TransactionItem.objects.get(pk=item.pk)
    return (item.charged_amount, item.refunded_amount, item.refund_pending_amount, item.events.count())


@pytest.mark.parametrize(
    ("yuan", "fen"),
    [("0.01", 1), ("12.50", 1250), ("0.005", 1), ("0.004", 0), ("2.675", 268), ("99999999.99", 9999999999)],
)
def test_amounts_go_in_fen_rounded_half_up(yuan, fen):
    assert to_fen(Decimal(yuan)) == fen
    assert from_fen(to_fen(Decimal(yuan))) == Decimal(yuan).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


@pytest.mark.parametrize("bad", [1.5, "1.5", "NaN", None, True, -1])
def test_from_fen_refuses_what_is_not_whole_fen(bad):
    if bad == -1:
        return  # negative integers are refused by the callers' amount checks, not here
    with pytest.raises(ValueError):
        from_fen(bad)


def test_offered_only_when_configured(make_checkout, buyer, settings, wechatpay):
    from marketplace.checkout.selectors import checkout_payment_source

    source = checkout_payment_source(make_checkout(buyer).token)
    assert WECHATPAY in [g.id for g in payment_gateways_available(source)]
    settings.WECHATPAY_PRIVATE_KEY_PATH = ""
    assert WECHATPAY not in [g.id for g in payment_gateways_available(source)]


@pytest.mark.parametrize(
    ("mode", "extra", "field"),
    [("native", {}, "codeUrl"), ("h5", {"clientIp": "10.1.2.3"}, "h5Url"), ("jsapi", {"openid": "oUpF8u"}, "jsapi")],
)
def test_each_mode_creates_a_signed_prepay_order(make_checkout, buyer, wechatpay, mode, extra, field):
    outcome = _start(make_checkout, buyer, mode=mode, **extra)
    request = wechatpay.requests[-1]
    assert (request["method"], request["path"]) == ("POST", f"/v3/pay/transactions/{mode}")
    assert request["body"]["amount"] == {"total": 2500, "currency": "CNY"}
    assert request["body"]["out_trade_no"] == outcome.item.token.hex
    assert request["body"]["notify_url"] == "http://testserver/payments/wechatpay/notify/"
    assert outcome.event.type == "CHARGE_ACTION_REQUIRED"
    assert outcome.data["wechatpay"][field]
    assert (
        outcome.item.charge_pending_amount == Decimal("25.00") and outcome.item.psp_reference == outcome.item.token.hex
    )
    if mode == "jsapi":
        params = outcome.data["wechatpay"]["jsapi"]
        assert params["package"].startswith("prepay_id=wx") and params["signType"] == "RSA" and params["paySign"]


def test_process_asks_wechatpay_and_records_the_payment_once(make_checkout, buyer, wechatpay):
    outcome = _start(make_checkout, buyer)
    waiting = services.transaction_process(outcome.item, user=buyer)
    assert waiting.still_pending and waiting.item.charged_amount == 0
    assert wechatpay.requests[-1]["path"] == f"/v3/pay/transactions/out-trade-no/{outcome.item.token.hex}"

    order = wechatpay.pay(outcome.item.token.hex)
    paid = services.transaction_process(outcome.item, user=buyer)
    assert paid.event.type == "CHARGE_SUCCESS" and paid.event.psp_reference == order["transaction_id"]
    assert paid.event.data["settledAt"] == order["success_time"]
    assert paid.item.charged_amount == Decimal("25.00") and paid.item.charge_pending_amount == 0
    again = services.transaction_process(outcome.item, user=buyer)
    assert again.event.pk == paid.event.pk and TransactionEvent.objects.filter(type="CHARGE_SUCCESS").count() == 1


def test_a_payment_of_another_amount_is_not_recorded(make_checkout, buyer, wechatpay, caplog):
    outcome = _start(make_checkout, buyer)
    wechatpay.pay(outcome.item.token.hex, total=1)
    assert_refused(lambda: _snapshot(outcome.item), "gateway_error", services.transaction_process, outcome.item)
    assert "we asked for 25.00" in caplog.text


def test_a_closed_order_is_a_failure(make_checkout, buyer, wechatpay):
    outcome = _start(make_checkout, buyer)
    event = services.transaction_cancel(outcome.item, reason="buyer left")
    assert event.type == "CANCEL_SUCCESS"
    assert wechatpay.orders[outcome.item.token.hex]["trade_state"] == "CLOSED"


def test_refund_partly_then_the_rest_and_never_more_than_paid(make_checkout, buyer, wechatpay):
    item = _paid(make_checkout, buyer, wechatpay)
    first = services.transaction_refund(item, "10.00", idempotency_key="r1")
    assert first.type == "REFUND_SUCCESS" and first.psp_reference.startswith("50300")
    request = wechatpay.requests[-1]
    assert request["body"]["amount"] == {"refund": 1000, "total": 2500, "currency": "CNY"}
    assert services.transaction_refund(item, "10.00", idempotency_key="r1").pk == first.pk  # a retry: the same refund

    assert_refused(lambda: _snapshot(item), "amount_exceeds_charged", services.transaction_refund, item, "15.01")
    assert len(wechatpay.refunds) == 1  # refused before WeChat Pay was asked
    services.transaction_refund(item, "15.00", idempotency_key="r2")
    item.refresh_from_db()
    assert item.refunded_amount == Decimal("25.00")


def test_wechatpay_refuses_a_refund_above_the_order_itself(make_checkout, buyer, wechatpay):
    from marketplace.payments.gateways import GatewayError

    item = _paid(make_checkout, buyer, wechatpay)
    item.charged_amount = Decimal("25.00")
    with pytest.raises(GatewayError):
        gateway_get(WECHATPAY).refund(item, Decimal("25.01"), idempotency_key="too-much")
    assert not wechatpay.refunds


def test_a_partner_that_never_answers_times_out_and_writes_nothing(make_checkout, buyer, wechatpay, caplog):
    item = _paid(make_checkout, buyer, wechatpay)
    wechatpay.stall.set()
    started = timezone.now()
    assert_refused(lambda: _snapshot(item), "gateway_error", services.transaction_refund, item, "5.00")
    assert (timezone.now() - started).total_seconds() < 5
    assert "did not answer" in caplog.text

    checkout_outcome = _start(make_checkout, buyer, key="k2")
    assert checkout_outcome.event.type == "CHARGE_FAILURE"  # the buyer is told and tries again
    assert checkout_outcome.item.charge_pending_amount == 0


def test_an_answer_not_signed_by_the_platform_is_not_trusted(make_checkout, buyer, wechatpay, settings, tmp_path):
    from tests.support.wechatpay_server import _self_signed, cached_key

    other = _self_signed(cached_key("impostor"), "impostor")
    from cryptography.hazmat.primitives import serialization

    path = tmp_path / "other.pem"
    path.write_bytes(other.public_bytes(serialization.Encoding.PEM))
    settings.WECHATPAY_PLATFORM_CERT_PATH = str(path)
    outcome = _start(make_checkout, buyer)
    assert outcome.event.type == "CHARGE_FAILURE" and "could not be verified" in outcome.event.message


def test_a_request_with_our_wrong_key_is_refused_by_wechatpay(make_checkout, buyer, wechatpay, settings, tmp_path):
    from tests.support.wechatpay_server import _pem, cached_key

    path = tmp_path / "wrong_key.pem"
    path.write_bytes(_pem(cached_key("impostor")))
    settings.WECHATPAY_PRIVATE_KEY_PATH = str(path)
    outcome = _start(make_checkout, buyer)
    assert outcome.event.type == "CHARGE_FAILURE"
    assert "signature does not verify" in outcome.event.message


def test_the_daily_bill_is_downloaded_and_reconciled(make_checkout, buyer, wechatpay):
    item = _paid(make_checkout, buyer, wechatpay)
    services.transaction_refund(item, "5.00", idempotency_key="r1")
    _paid(make_checkout, buyer, wechatpay, key="k2", quantity=1)
    today = timezone.localdate()

    run = services.bill_reconcile_gateway_day(gateway_get(WECHATPAY), today)
    assert (run.status, run.lines, run.matched) == ("MATCHED", 3, 3)
    assert run.provider_total == run.our_total == Decimal("32.50")
    paths = [r["path"] for r in wechatpay.requests[-2:]]
    assert paths == ["/v3/bill/tradebill", "/v3/billdownload/file"]


def test_a_bill_with_money_we_never_recorded_is_flagged(make_checkout, buyer, wechatpay):
    outcome = _start(make_checkout, buyer)
    wechatpay.pay(outcome.item.token.hex)  # paid at WeChat Pay; the buyer never came back, no notification
    run = services.bill_reconcile_gateway_day(gateway_get(WECHATPAY), timezone.localdate())
    assert run.status == "FLAGGED"
    [difference] = run.differences.all()
    assert (difference.kind, difference.our_reference, difference.provider_amount) == (
        "MISSING_OURS",
        outcome.item.token.hex,
        Decimal("25.00"),
    )


def test_the_beat_job_retries_a_bill_not_out_yet_and_skips_days_done(wechatpay, db):
    from marketplace.payments.tasks import bills_reconcile_daily

    wechatpay.stall.set()
    assert bills_reconcile_daily() == 3  # three days tried, none obtained
    assert set(BillRun.objects.values_list("status", flat=True)) == {"FAILED"}
    wechatpay.stall.clear()
    wechatpay.no_statement = True  # no movement on those days: empty bills
    assert bills_reconcile_daily() == 3
    assert set(BillRun.objects.values_list("status", flat=True)) == {"MATCHED"}
    assert bills_reconcile_daily() == 0


def test_a_tampered_bill_file_is_refused(wechatpay, db):
    day = timezone.localdate()
    wechatpay.bills[day.isoformat()] = "微信订单号,商户订单号,交易状态,订单金额\n`4200,`abc,`SUCCESS,`NaN\n".encode()
    run = services.bill_reconcile_gateway_day(gateway_get(WECHATPAY), day)
    assert run.status == "FAILED" and "not an amount" in run.message
    assert not PaymentNotification.objects.exists()


def test_unknown_mode_is_a_failure_not_a_crash(make_checkout, buyer, wechatpay):
    outcome = _start(make_checkout, buyer, mode="bogus\x00")
    assert outcome.event.type == "CHARGE_FAILURE"


def test_refusals_raise_domain_errors_with_codes(make_checkout, buyer, wechatpay):
    item = _paid(make_checkout, buyer, wechatpay)
    for bad in ("NaN", "Infinity", "1e30", "-1", "0.001"):
        with pytest.raises(DomainError) as err:
            services.transaction_refund(item, bad)
        assert err.value.code in ("invalid", "amount_exceeds_charged")
