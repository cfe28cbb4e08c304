"""WeChat Pay's notifications at /payments/wechatpay/notify/: signed by the fake's platform key, resources
AES-256-GCM encrypted; verified, idempotent, tolerant of order; every refusal with a code, nothing written."""

import json
import logging
import time
from decimal import Decimal

import pytest

from marketplace.payments import services
from marketplace.payments.models import PaymentNotification, TransactionEvent, TransactionItem

WECHATPAY = "meidu.payments.wechatpay"
URL = "/payments/wechatpay/notify/"


def _post(client, headers: dict, body: bytes):
    extra = {f"HTTP_{key.upper().replace('-', '_')}": value for key, value in headers.items()}
    return client.post(URL, data=body, content_type="application/json", **extra)


def _start(make_checkout, buyer, key="k1"):
    return services.transaction_initialize(
        checkout_token=make_checkout(buyer).token,
        gateway_id=WECHATPAY,
        action="CHARGE",
        data={"mode": "native"},
        idempotency_key=key,
        user=buyer,
    ).item


def _state():
    return (
        list(
            TransactionItem.objects.order_by("pk").values_list(
                "charged_amount", "refunded_amount", "refund_pending_amount"
            )
        ),
        TransactionEvent.objects.count(),
        PaymentNotification.objects.count(),
    )


def _refused(client, headers, body, status, code, caplog):
    before = _state()
    with caplog.at_level(logging.WARNING, logger="meidu.payments.wechatpay"):
        response = _post(client, headers, body)
    assert response.status_code == status, response.content
    assert response.json()["code"] == "FAIL" and response.json()["meiduCode"] == code
    assert _state() == before
    assert "Refused" in caplog.text
    return response


def test_a_payment_notification_is_applied_once(client, make_checkout, buyer, wechatpay):
    item = _start(make_checkout, buyer)
    resource = wechatpay.pay(item.token.hex)
    headers, body = wechatpay.notification("TRANSACTION.SUCCESS", resource, notification_id="EV-1")

    response = _post(client, headers, body)
    assert response.status_code == 200 and response.json()["code"] == "SUCCESS"
    item.refresh_from_db()
    assert item.charged_amount == Decimal("25.00") and item.charge_pending_amount == 0
    event = item.events.get(type="CHARGE_SUCCESS")
    assert event.psp_reference == resource["transaction_id"]

    again = _post(client, headers, body)  # WeChat Pay repeats until it hears 200
    assert again.status_code == 200 and again.json()["message"] == "already processed"
    resent = wechatpay.notification("TRANSACTION.SUCCESS", resource, notification_id="EV-2")
    assert _post(client, *resent).status_code == 200  # another notification of the same news
    assert item.events.filter(type="CHARGE_SUCCESS").count() == 1
    item.refresh_from_db()
    assert item.charged_amount == Decimal("25.00")


def test_the_notification_after_the_return_page_changes_nothing(client, make_checkout, buyer, wechatpay):
    item = _start(make_checkout, buyer)
    resource = wechatpay.pay(item.token.hex)
    services.transaction_process(item, user=buyer)
    assert _post(client, *wechatpay.notification("TRANSACTION.SUCCESS", resource)).status_code == 200
    item.refresh_from_db()
    assert item.charged_amount == Decimal("25.00") and item.events.filter(type="CHARGE_SUCCESS").count() == 1


def test_a_bad_signature_is_refused(client, make_checkout, buyer, wechatpay, caplog):
    item = _start(make_checkout, buyer)
    headers, body = wechatpay.notification("TRANSACTION.SUCCESS", wechatpay.pay(item.token.hex))
    forged = body.replace(b'"summary"', b'"summarx"')
    _refused(client, headers, forged, 401, "signature_invalid", caplog)
    _refused(client, {**headers, "Wechatpay-Serial": "ABC"}, body, 401, "signature_invalid", caplog)
    _refused(client, {}, body, 401, "signature_invalid", caplog)


def test_a_replayed_notification_outside_the_window_is_refused(client, make_checkout, buyer, wechatpay, caplog):
    item = _start(make_checkout, buyer)
    old = int(time.time()) - 301
    headers, body = wechatpay.notification("TRANSACTION.SUCCESS", wechatpay.pay(item.token.hex), timestamp=old)
    response = _refused(client, headers, body, 401, "signature_invalid", caplog)
    assert "window" in response.json()["message"]


def test_a_resource_that_does_not_decrypt_is_refused(client, make_checkout, buyer, wechatpay, caplog):
    item = _start(make_checkout, buyer)
    _headers, body = wechatpay.notification("TRANSACTION.SUCCESS", wechatpay.pay(item.token.hex))
    payload = json.loads(body)
    payload["resource"]["associated_data"] = "refund"  # authenticated data changed: the GCM tag fails
    tampered = json.dumps(payload).encode()
    _refused(client, wechatpay.signed_headers(tampered), tampered, 400, "invalid", caplog)


def test_an_amount_that_differs_from_the_order_is_refused(client, make_checkout, buyer, wechatpay, caplog):
    item = _start(make_checkout, buyer)
    resource = wechatpay.pay(item.token.hex, total=2400)
    _refused(client, *wechatpay.notification("TRANSACTION.SUCCESS", resource), 409, "amount_mismatch", caplog)


def test_an_unknown_transaction_is_refused(client, make_checkout, buyer, wechatpay, caplog):
    item = _start(make_checkout, buyer)
    resource = {**wechatpay.pay(item.token.hex), "out_trade_no": "0" * 32}
    _refused(client, *wechatpay.notification("TRANSACTION.SUCCESS", resource), 404, "not_found", caplog)
    hostile = {**resource, "out_trade_no": "x\x00" * 40}
    _refused(client, *wechatpay.notification("TRANSACTION.SUCCESS", hostile), 404, "not_found", caplog)


def test_another_merchants_notification_is_refused(client, make_checkout, buyer, wechatpay, caplog):
    item = _start(make_checkout, buyer)
    resource = {**wechatpay.pay(item.token.hex), "mchid": "1234567890"}
    _refused(client, *wechatpay.notification("TRANSACTION.SUCCESS", resource), 400, "invalid", caplog)


def test_refund_notifications_settle_a_pending_refund_and_arrive_in_any_order(
    client, make_checkout, buyer, wechatpay, caplog
):
    item = _start(make_checkout, buyer)
    payment = wechatpay.pay(item.token.hex)
    wechatpay.refund_status = "PROCESSING"

    # WeChat Pay refunded (e.g. an earlier call whose answer we lost) and says so before we heard of the payment.
    services.transaction_process(item, user=buyer)
    pending = services.transaction_refund(item, "10.00", idempotency_key="r1")
    assert pending.type == "REFUND_REQUEST"
    item.refresh_from_db()
    assert item.refund_pending_amount == Decimal("10.00")
    refund = wechatpay.refunds[next(iter(wechatpay.refunds))]
    refund["status"] = "SUCCESS"
    notice = wechatpay.notification("REFUND.SUCCESS", wechatpay.refund_resource(refund))
    assert _post(client, *notice).status_code == 200
    item.refresh_from_db()
    assert (item.refunded_amount, item.refund_pending_amount) == (Decimal("10.00"), 0)
    assert _post(client, *notice).status_code == 200  # repeated: nothing more
    assert _post(client, *wechatpay.notification("TRANSACTION.SUCCESS", payment)).status_code == 200
    item.refresh_from_db()
    assert (item.charged_amount, item.refunded_amount) == (Decimal("25.00"), Decimal("10.00"))


def test_a_refund_notice_before_its_payment_waits_for_the_retry(client, make_checkout, buyer, wechatpay, caplog):
    item = _start(make_checkout, buyer)
    payment = wechatpay.pay(item.token.hex)
    refund = {
        "refund_id": "503000000000000000000000000009",
        "out_refund_no": "R1",
        "transaction_id": payment["transaction_id"],
        "out_trade_no": item.token.hex,
        "status": "SUCCESS",
        "amount": {"total": 2500, "refund": 2500},
    }
    notice = wechatpay.notification("REFUND.SUCCESS", wechatpay.refund_resource(refund), notification_id="EV-R")
    _refused(client, *notice, 409, "amount_exceeds_charged", caplog)
    assert _post(client, *wechatpay.notification("TRANSACTION.SUCCESS", payment)).status_code == 200
    assert _post(client, *notice).status_code == 200  # WeChat Pay's retry of the same notification
    item.refresh_from_db()
    assert item.refunded_amount == item.charged_amount == Decimal("25.00")


def test_a_refund_notice_larger_than_paid_is_refused(client, make_checkout, buyer, wechatpay, caplog):
    item = _start(make_checkout, buyer)
    payment = wechatpay.pay(item.token.hex)
    services.transaction_process(item, user=buyer)
    refund = {
        "refund_id": "503000000000000000000000000010",
        "out_refund_no": "R2",
        "transaction_id": payment["transaction_id"],
        "out_trade_no": item.token.hex,
        "status": "SUCCESS",
        "amount": {"total": 2500, "refund": 2501},
    }
    _refused(
        client,
        *wechatpay.notification("REFUND.SUCCESS", wechatpay.refund_resource(refund)),
        409,
        "amount_exceeds_charged",
        caplog,
    )


@pytest.mark.parametrize("body", [b"", b"not json", b"[]", b"{}", b"\x00" * 10])
def test_garbage_is_refused(client, wechatpay, body, caplog, db):
    _refused(client, wechatpay.signed_headers(body), body, 400, "invalid", caplog)


def test_off_when_not_configured(client, db):
    assert client.post(URL, data=b"{}", content_type="application/json").status_code == 404


def test_a_first_delivery_and_its_repeat_run_few_statements(
    client, make_checkout, buyer, wechatpay, django_assert_max_num_queries
):
    """The notification id claimed by one INSERT ... ON CONFLICT DO NOTHING (no savepoint of its own), the
    item read and locked, its CHARGE_SUCCESS looked for once, the event, the amounts, the orders: 8 statements
    inside the request's transaction (a savepoint here, the test's transaction around it). A repeat: the claim."""
    item = _start(make_checkout, buyer)
    headers, body = wechatpay.notification("TRANSACTION.SUCCESS", wechatpay.pay(item.token.hex), notification_id="EV-Q")
    with django_assert_max_num_queries(10):
        response = _post(client, headers, body)
    assert response.json() == {"code": "SUCCESS", "message": "OK"}
    with django_assert_max_num_queries(3):
        again = _post(client, headers, body)
    assert again.json() == {"code": "SUCCESS", "message": "already processed"}
    assert item.events.filter(type="CHARGE_SUCCESS").count() == 1
    assert PaymentNotification.objects.filter(notification_id="EV-Q").count() == 1
