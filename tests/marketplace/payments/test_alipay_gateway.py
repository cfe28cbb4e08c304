"""The Alipay gateway against the local Alipay (tests/support/alipay_server.py): signed pay URLs for
phone and desk, the outcome asked of Alipay, refunds and closing, and refusals that write nothing."""

import json
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from marketplace.payments import services
from marketplace.payments.gateways import GatewayError, gateway_get
from marketplace.payments.gateways.alipay import mode_for_user_agent
from marketplace.payments.models import TransactionEvent, TransactionItem
from marketplace.payments.models import TransactionEventType as T
from marketplace.payments.selectors import payment_gateways_available
from meidu.core.errors import DomainError
from tests.support.alipay_server import APP_ID, key_pair, public_pem

ALIPAY = "meidu.payments.alipay"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
ANDROID = "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"
DESK = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


def start(checkout, buyer, mode="wap", key="alipay-1"):
    return services.transaction_initialize(
        checkout_token=checkout.token,
        gateway_id=ALIPAY,
        data={"mode": mode, "returnUrl": "https://meidu.example.cn/shop/checkout/alipay/return/"},
        idempotency_key=key,
        user=buyer,
    )


def open_cashier(outcome) -> str:
    """What the buyer's browser does with the pay URL: Alipay shows its cashier."""
    answer = requests.get(outcome.event.data["alipay"]["payUrl"], timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.text


def paid(make_checkout, buyer, alipay_api):
    checkout = make_checkout(buyer)
    outcome = start(checkout, buyer)
    open_cashier(outcome)
    alipay_api.pay(outcome.item.psp_reference)
    services.transaction_process(outcome.item, user=buyer)
    outcome.item.refresh_from_db()
    return checkout, outcome.item


@pytest.mark.parametrize(("agent", "mode"), [(IPHONE, "wap"), (ANDROID, "wap"), (DESK, "page"), ("", "page")])
def test_phone_gets_wap_pay_and_desk_page_pay(agent, mode):
    assert mode_for_user_agent(agent) == mode


def test_offered_only_when_configured(make_checkout, buyer, settings, alipay_api):
    from marketplace.checkout.selectors import checkout_payment_source

    source = checkout_payment_source(make_checkout(buyer).token)
    assert ALIPAY in [g.id for g in payment_gateways_available(source)]
    settings.ALIPAY_PUBLIC_KEY_PATH = ""
    assert ALIPAY not in [g.id for g in payment_gateways_available(source)]


@pytest.mark.parametrize(
    ("mode", "method", "product"), [("wap", "wap", "QUICK_WAP_WAY"), ("page", "page", "FAST_INSTANT_TRADE_PAY")]
)
def test_initialize_signs_the_pay_url(make_checkout, buyer, alipay_api, mode, method, product):
    outcome = start(make_checkout(buyer), buyer, mode=mode)
    item = outcome.item
    assert outcome.event.type == T.CHARGE_ACTION_REQUIRED and item.charge_pending_amount == Decimal("25.00")
    assert item.psp_reference == item.token.hex and item.action == "CHARGE"
    params = dict(parse_qsl(urlsplit(outcome.event.data["alipay"]["payUrl"]).query))
    assert params["method"] == f"alipay.trade.{method}.pay" and params["sign_type"] == "RSA2"
    assert params["app_id"] == APP_ID and params["notify_url"] == "http://testserver/payments/alipay/notify/"
    assert json.loads(params["biz_content"]) == {
        "out_trade_no": item.token.hex,
        "total_amount": "25.00",
        "subject": "美都集市订单",
        "product_code": product,
        "timeout_express": "30m",
    }
    assert "¥25.00" in open_cashier(outcome)  # the local Alipay verified our signature
    assert alipay_api.trades[item.token.hex].total_amount == Decimal("25.00")


def test_a_tampered_pay_url_is_refused_by_alipay(make_checkout, buyer, alipay_api):
    url = start(make_checkout(buyer), buyer).event.data["alipay"]["payUrl"]
    answer = requests.get(url.replace("25.00", "0.01"), timeout=5)
    assert answer.status_code == 400 and "invalid-signature" in answer.text
    assert not alipay_api.trades


def test_process_asks_alipay_and_records_the_charge_once(make_checkout, buyer, alipay_api, changes):
    checkout = make_checkout(buyer)
    outcome = start(checkout, buyer)
    item = outcome.item
    # The buyer has not opened Alipay yet, then has but not paid: still waiting, nothing new recorded.
    assert services.transaction_process(item, user=buyer).event.type == T.CHARGE_ACTION_REQUIRED
    open_cashier(outcome)
    assert services.transaction_process(item, user=buyer).event.type == T.CHARGE_ACTION_REQUIRED
    assert item.events.count() == 2
    alipay_api.pay(item.token.hex)
    result = services.transaction_process(item, user=buyer)
    trade = alipay_api.trades[item.token.hex]
    assert (result.event.type, result.event.amount, result.event.psp_reference) == (
        T.CHARGE_SUCCESS,
        Decimal("25.00"),
        trade.trade_no,
    )
    item.refresh_from_db()
    assert (item.charged_amount, item.charge_pending_amount) == (Decimal("25.00"), Decimal("0.00"))
    query = alipay_api.requests[-1]
    assert query["http"] == "POST" and query["params"]["method"] == "alipay.trade.query"
    assert json.loads(query["params"]["biz_content"]) == {"out_trade_no": item.token.hex}
    services.transaction_process(item, user=buyer)  # settled: Alipay is not asked again
    assert alipay_api.requests[-1] is query
    assert [c[1] for c in changes] == [T.CHARGE_REQUEST, T.CHARGE_SUCCESS]


def test_closed_trade_is_a_failure(make_checkout, buyer, alipay_api):
    outcome = start(make_checkout(buyer), buyer)
    open_cashier(outcome)
    alipay_api.close(outcome.item.token.hex)
    result = services.transaction_process(outcome.item, user=buyer)
    assert result.event.type == T.CHARGE_FAILURE
    outcome.item.refresh_from_db()
    assert outcome.item.charge_pending_amount == 0 and outcome.item.charged_amount == 0


def test_an_amount_other_than_asked_is_refused_and_nothing_written(make_checkout, buyer, alipay_api, caplog):
    outcome = start(make_checkout(buyer), buyer)
    open_cashier(outcome)
    alipay_api.pay(outcome.item.token.hex)
    alipay_api.report_amount = "0.01"
    before = TransactionEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        services.transaction_process(outcome.item, user=buyer)
    assert refused.value.code == "gateway_error"
    assert TransactionEvent.objects.count() == before
    outcome.item.refresh_from_db()
    assert outcome.item.charged_amount == 0
    assert "paid 0.01 but 25.00 was asked" in caplog.text


def test_refund_with_request_number_and_refund_larger_than_paid(make_checkout, buyer, operator, alipay_api):
    _checkout, item = paid(make_checkout, buyer, alipay_api)
    event = services.transaction_refund(item, "10.00", actor=operator, idempotency_key="r1")
    assert (event.type, event.amount) == (T.REFUND_SUCCESS, Decimal("10.00"))
    request = alipay_api.requests[-1]["params"]
    biz = json.loads(request["biz_content"])
    assert request["method"] == "alipay.trade.refund" and biz["refund_amount"] == "10.00"
    assert biz["out_request_no"] == event.psp_reference and len(biz["out_request_no"]) <= 64
    # The same key again: the first refund, Alipay not asked to pay twice.
    again = services.transaction_refund(item, "10.00", actor=operator, idempotency_key="r1")
    assert again.pk == event.pk and alipay_api.trades[item.token.hex].refunded == Decimal("10.00")

    before = TransactionEvent.objects.count()
    with pytest.raises(DomainError) as too_much:
        services.transaction_refund(item, "15.01", actor=operator, idempotency_key="r2")
    assert too_much.value.code == "amount_exceeds_charged" and TransactionEvent.objects.count() == before
    # Should our own check ever be passed, Alipay's refusal also writes nothing.
    with pytest.raises(GatewayError, match="退款金额超限"):
        gateway_get(ALIPAY).refund(item, Decimal("15.01"), idempotency_key="r3")
    assert alipay_api.trades[item.token.hex].refunded == Decimal("10.00")

    final = services.transaction_refund(item, "15.00", actor=operator, idempotency_key="r4")
    item.refresh_from_db()
    assert final.type == T.REFUND_SUCCESS and item.refunded_amount == Decimal("25.00")
    assert alipay_api.trades[item.token.hex].status == "TRADE_CLOSED"


def test_cancel_closes_an_unpaid_trade(make_checkout, buyer, operator, alipay_api):
    outcome = start(make_checkout(buyer), buyer)
    open_cashier(outcome)
    event = services.transaction_cancel(outcome.item, actor=operator)
    assert event.type == T.CANCEL_SUCCESS and alipay_api.trades[outcome.item.token.hex].status == "TRADE_CLOSED"
    untouched = start(make_checkout(buyer), buyer, key="alipay-2")  # never opened: nothing to close at Alipay
    assert services.transaction_cancel(untouched.item, actor=operator).type == T.CANCEL_SUCCESS


def test_a_partner_that_never_answers_is_refused_in_time(make_checkout, buyer, operator, alipay_api, settings, caplog):
    _checkout, item = paid(make_checkout, buyer, alipay_api)
    other = start(make_checkout(buyer), buyer, key="alipay-2")
    alipay_api.hang = True
    settings.ALIPAY_TIMEOUT_SECONDS = 0.3
    before = TransactionEvent.objects.count()
    with pytest.raises(DomainError) as refund:
        services.transaction_refund(item, "5.00", actor=operator, idempotency_key="r1")
    with pytest.raises(DomainError) as query:
        services.transaction_process(other.item, user=buyer)
    assert refund.value.code == query.value.code == "gateway_error"
    assert TransactionEvent.objects.count() == before
    assert TransactionItem.objects.get(pk=item.pk).refunded_amount == 0
    assert "no answer from" in caplog.text


def test_an_answer_not_signed_by_alipay_is_not_believed(make_checkout, buyer, alipay_api, tmp_path, settings):
    outcome = start(make_checkout(buyer), buyer)
    open_cashier(outcome)
    alipay_api.pay(outcome.item.token.hex)
    impostor = tmp_path / "wrong_alipay_public.pem"
    impostor.write_bytes(public_pem(key_pair("app")))  # trusting the wrong key: Alipay's answers fail to verify
    settings.ALIPAY_PUBLIC_KEY_PATH = str(impostor)
    with pytest.raises(DomainError) as refused:
        services.transaction_process(outcome.item, user=buyer)
    assert refused.value.code == "gateway_error"
    outcome.item.refresh_from_db()
    assert outcome.item.charged_amount == 0


@pytest.mark.parametrize(
    "hostile",
    [
        "javascript:alert(1)",
        "//evil.example/x",
        "https://ok.example/" + "a" * 500,
        "https://ok.example/\x00",
        12.5,
        None,
    ],
)
def test_a_return_url_alipay_could_not_use_is_left_out(make_checkout, buyer, alipay_api, hostile):
    outcome = services.transaction_initialize(
        checkout_token=make_checkout(buyer).token,
        gateway_id=ALIPAY,
        data={"mode": "wap", "returnUrl": hostile, "quitUrl": hostile},
        idempotency_key="alipay-1",
        user=buyer,
    )
    params = dict(parse_qsl(urlsplit(outcome.event.data["alipay"]["payUrl"]).query))
    assert "return_url" not in params and "quit_url" not in json.loads(params["biz_content"])
    assert outcome.event.type == T.CHARGE_ACTION_REQUIRED
