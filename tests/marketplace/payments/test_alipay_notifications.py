"""Alipay's asynchronous notifications through HTTP: verified, applied once, order-tolerant; every
refusal (bad signature, replay, amount, unknown trade, another merchant, hostile fields) writes nothing."""

from decimal import Decimal

import pytest
import requests

from marketplace.payments import services
from marketplace.payments.gateways.alipay.signing import content_string, sign
from marketplace.payments.models import PaymentNotification, TransactionEvent
from marketplace.payments.models import TransactionEventType as T
from tests.support.alipay_server import key_pair

NOTIFY = "/payments/alipay/notify/"
ALIPAY = "meidu.payments.alipay"


def started(make_checkout, buyer, key="alipay-1"):
    outcome = services.transaction_initialize(
        checkout_token=make_checkout(buyer).token,
        gateway_id=ALIPAY,
        data={"mode": "wap", "returnUrl": "https://meidu.example.cn/r/"},
        idempotency_key=key,
        user=buyer,
    )
    assert requests.get(outcome.event.data["alipay"]["payUrl"], timeout=5).status_code == 200
    return outcome.item


def post(client, params):
    return client.post(NOTIFY, data=params)


def events(item):
    return list(item.events.order_by("pk").values_list("type", "amount"))


def test_payment_notification_applied_once(client, make_checkout, buyer, alipay_api, changes, caplog):
    item = started(make_checkout, buyer)
    alipay_api.pay(item.token.hex)
    params = alipay_api.notification(item.token.hex)
    answer = post(client, params)
    assert (answer.status_code, answer.content) == (200, b"success")
    item.refresh_from_db()
    assert item.charged_amount == Decimal("25.00") and item.charge_pending_amount == 0
    charge = item.events.get(type=T.CHARGE_SUCCESS)
    assert charge.psp_reference == alipay_api.trades[item.token.hex].trade_no

    # Alipay retries the same notification (it did not read our answer): acknowledged, nothing new.
    count = TransactionEvent.objects.count()
    assert post(client, params).content == b"success"
    assert TransactionEvent.objects.count() == count and len(changes) == 2
    assert "received again (replay)" in caplog.text
    assert PaymentNotification.objects.filter(gateway=ALIPAY).count() == 1
    # The buyer's return then asks Alipay: nothing pending, nothing asked, nothing new.
    services.transaction_process(item, user=buyer)
    assert TransactionEvent.objects.count() == count


def test_notification_after_the_return_changes_nothing(client, make_checkout, buyer, alipay_api):
    item = started(make_checkout, buyer)
    alipay_api.pay(item.token.hex)
    services.transaction_process(item, user=buyer)
    count = TransactionEvent.objects.count()
    assert post(client, alipay_api.notification(item.token.hex)).content == b"success"
    assert TransactionEvent.objects.count() == count


def test_out_of_order_refund_before_payment_and_partial_before_full(client, make_checkout, buyer, alipay_api):
    item = started(make_checkout, buyer)
    number = item.token.hex
    alipay_api.pay(number)
    paid_notice = alipay_api.notification(number)
    trade = alipay_api.trades[number]
    trade.refunds["R-first"] = Decimal("5.00")
    trade.refunded = Decimal("5.00")
    first_refund = alipay_api.notification(number)
    trade.refunds["R-second"] = Decimal("20.00")
    trade.refunded, trade.status = Decimal("25.00"), "TRADE_CLOSED"
    closed = alipay_api.notification(number)

    # The full refund's TRADE_CLOSED arrives first: the charge, then the whole refund.
    assert post(client, closed).content == b"success"
    item.refresh_from_db()
    assert (item.charged_amount, item.refunded_amount) == (Decimal("25.00"), Decimal("25.00"))
    count = TransactionEvent.objects.count()
    # The older news arrives late: nothing moves.
    assert post(client, first_refund).content == b"success"
    assert post(client, paid_notice).content == b"success"
    assert TransactionEvent.objects.count() == count
    assert events(item)[-2:] == [(T.CHARGE_SUCCESS, Decimal("25.00")), (T.REFUND_SUCCESS, Decimal("25.00"))]


def test_partial_refunds_by_notification_in_order(client, make_checkout, buyer, alipay_api):
    item = started(make_checkout, buyer)
    number = item.token.hex
    alipay_api.pay(number)
    post(client, alipay_api.notification(number))
    trade = alipay_api.trades[number]
    for request_no, amount in (("R1", "5.00"), ("R2", "7.50")):
        trade.refunds[request_no] = Decimal(amount)
        trade.refunded += Decimal(amount)
        assert post(client, alipay_api.notification(number)).content == b"success"
    refunds = item.events.filter(type=T.REFUND_SUCCESS).order_by("pk")
    assert [(e.psp_reference, e.amount) for e in refunds] == [("R1", Decimal("5.00")), ("R2", Decimal("7.50"))]


def test_unpaid_trade_closed(client, make_checkout, buyer, alipay_api):
    item = started(make_checkout, buyer)
    alipay_api.close(item.token.hex)
    assert post(client, alipay_api.notification(item.token.hex)).content == b"success"
    item.refresh_from_db()
    assert item.charge_pending_amount == 0 and item.events.filter(type=T.CHARGE_FAILURE).exists()


@pytest.mark.parametrize(
    ("tamper", "status", "logged"),
    [
        ("bad_signature", 400, "bad signature"),
        ("wrong_key", 400, "bad signature"),
        ("unsigned", 400, "bad signature"),
        ("md5_sign_type", 400, "bad signature"),
        ("amount", 200, "total_amount 0.01 but 25.00 was asked"),
        ("unknown_trade", 200, "unknown out_trade_no"),
        ("other_merchant", 200, "app id"),
        ("malformed_amount", 200, "total_amount '1e3'"),
        ("nul_byte", 400, "NUL byte"),
        ("over_long", 400, "over-long"),
    ],
)
def test_refusals_write_nothing_and_are_logged(
    client, make_checkout, buyer, alipay_api, caplog, tamper, status, logged
):
    item = started(make_checkout, buyer)
    number = item.token.hex
    alipay_api.pay(number)
    params = alipay_api.notification(number)
    if tamper == "bad_signature":
        params["total_amount"] = "0.01"  # changed after Alipay signed it
    elif tamper == "wrong_key":
        params["sign"] = sign(content_string(params, exclude=("sign", "sign_type")), key_pair("app"))
    elif tamper == "unsigned":
        del params["sign"]
    elif tamper == "md5_sign_type":
        params["sign_type"] = "RSA"
    elif tamper == "amount":
        params = alipay_api.notification(number, total_amount="0.01")  # signed by Alipay, not our amount
    elif tamper == "unknown_trade":
        params = alipay_api.notification(number, out_trade_no="f" * 32)
    elif tamper == "other_merchant":
        params = alipay_api.notification(number, app_id="2021000000009999")
    elif tamper == "malformed_amount":
        params = alipay_api.notification(number, total_amount="1e3")
    elif tamper == "nul_byte":
        params["subject"] = "梨\x00"
    elif tamper == "over_long":
        params["subject"] = "梨" * 5000
    before = TransactionEvent.objects.count()
    answer = post(client, params)
    assert (answer.status_code, answer.content) == (status, b"fail")
    assert TransactionEvent.objects.count() == before and not PaymentNotification.objects.exists()
    item.refresh_from_db()
    assert item.charged_amount == 0
    assert logged in caplog.text


def test_notifications_off_until_configured(client, db, settings):
    settings.ALIPAY_APP_ID = ""
    assert client.post(NOTIFY, data={"notify_id": "x"}).status_code == 404
    assert client.get(NOTIFY).status_code == 405


def test_notification_sent_by_alipay_over_http(live_server, make_checkout, buyer, alipay_api, settings):
    """The local Alipay posts the notification itself, as Alipay's servers would."""
    settings.ALIPAY_NOTIFY_URL = f"{live_server.url}{NOTIFY}"
    item = started(make_checkout, buyer)
    alipay_api.pay(item.token.hex)
    assert alipay_api.notify(item.token.hex) == (200, "success")
    item.refresh_from_db()
    assert item.charged_amount == Decimal("25.00")


def test_a_first_delivery_and_its_replay_run_few_statements(
    client, make_checkout, buyer, alipay_api, django_assert_max_num_queries
):
    """notify_id claimed by one INSERT ... ON CONFLICT DO NOTHING, the trade read and locked, its charge
    events read once (no second look for the new CHARGE_SUCCESS), the event, the amounts, the orders: 8
    statements in the request's transaction (a savepoint here). A replay: the claim alone."""
    item = started(make_checkout, buyer)
    alipay_api.pay(item.token.hex)
    params = alipay_api.notification(item.token.hex)
    with django_assert_max_num_queries(10):
        assert post(client, params).content == b"success"
    with django_assert_max_num_queries(3):
        assert post(client, params).content == b"success"
    assert events(item).count((T.CHARGE_SUCCESS, Decimal("25.00"))) == 1
    assert PaymentNotification.objects.filter(gateway=ALIPAY).count() == 1
