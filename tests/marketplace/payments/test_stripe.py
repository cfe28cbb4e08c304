"""The Stripe gateway against a local server speaking Stripe's API, and the signed webhook endpoint."""

import time
from decimal import Decimal

import pytest

from marketplace.payments import services
from marketplace.payments.models import StripeWebhookEvent, TransactionEvent, TransactionItem
from marketplace.payments.selectors import checkout_requires_payment_before_order, payment_gateways_available
from meidu.core.errors import DomainError
from tests.marketplace.payments.stripe_server import stripe_event, stripe_signature

STRIPE = "meidu.payments.stripe"
WEBHOOK_URL = "/payments/stripe/webhook/"


def _post(client, payload: str, signature: str | None):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
    return client.post(WEBHOOK_URL, data=payload, content_type="application/json", **headers)


def _authorised(make_checkout, buyer, stripe_api):
    checkout = make_checkout(buyer)
    outcome = services.transaction_initialize(
        checkout_token=checkout.token,
        gateway_id=STRIPE,
        action="AUTHORIZATION",
        idempotency_key="buyer-key-1",
        user=buyer,
    )
    stripe_api.confirm(outcome.item.psp_reference)
    services.transaction_process(outcome.item, user=buyer)
    outcome.item.refresh_from_db()
    return checkout, outcome.item


def test_stripe_offered_only_with_a_key(make_checkout, buyer, settings):
    from marketplace.checkout.selectors import checkout_payment_source

    source = checkout_payment_source(make_checkout(buyer).token)
    assert STRIPE not in [g.id for g in payment_gateways_available(source)]
    settings.STRIPE_SECRET_KEY = "sk_test_local"
    assert STRIPE in [g.id for g in payment_gateways_available(source)]


def test_initialize_creates_payment_intent_with_idempotency_key(make_checkout, buyer, stripe_api):
    checkout = make_checkout(buyer)
    outcome = services.transaction_initialize(
        checkout_token=checkout.token,
        gateway_id=STRIPE,
        action="AUTHORIZATION",
        idempotency_key="buyer-key-1",
        user=buyer,
    )
    request = stripe_api.requests[-1]
    assert (request["method"], request["path"]) == ("POST", "/v1/payment_intents")
    assert request["headers"]["Idempotency-Key"] == f"pi-{outcome.item.token}"
    assert request["headers"]["Authorization"] == "Bearer sk_test_local"
    assert request["form"] == {
        "amount": "2500",
        "currency": "cny",
        "capture_method": "manual",
        "automatic_payment_methods": {"enabled": "true"},
        "metadata": {"transaction_token": str(outcome.item.token), "checkout_token": str(checkout.token)},
    }
    item = outcome.item
    assert outcome.event.type == "AUTHORIZATION_ACTION_REQUIRED"
    assert outcome.data == {"paymentIntent": {"id": "pi_test1", "stripeClientSecret": "pi_test1_secret_local"}}
    assert item.psp_reference == "pi_test1" and item.authorize_pending_amount == Decimal("25.00")
    assert checkout_requires_payment_before_order(checkout.token)

    again = services.transaction_initialize(
        checkout_token=checkout.token,
        gateway_id=STRIPE,
        action="AUTHORIZATION",
        idempotency_key="buyer-key-1",
        user=buyer,
    )
    assert again.item.pk == item.pk and again.data == outcome.data
    assert len(stripe_api.requests) == 1  # a retry does not reach Stripe again


def test_process_capture_release_and_refund(make_checkout, buyer, farmer, operator, stripe_api):
    checkout, item = _authorised(make_checkout, buyer, stripe_api)
    assert (
        stripe_api.requests[-1]["method"] == "GET" and stripe_api.requests[-1]["path"] == "/v1/payment_intents/pi_test1"
    )
    assert (item.authorized_amount, item.authorize_pending_amount) == (Decimal("25.00"), 0)

    event = services.transaction_charge(item, "21.30", actor=farmer, reason="weighed", idempotency_key="capture-1")
    request = stripe_api.requests[-1]
    assert request["path"] == "/v1/payment_intents/pi_test1/capture"
    assert request["form"] == {"amount_to_capture": "2130"}
    assert request["headers"]["Idempotency-Key"] == f"charge-{item.token}-capture-1"  # scoped to the transaction
    assert event.type == "CHARGE_SUCCESS"
    item.refresh_from_db()
    # Stripe captures once: the rest of the hold is released.
    assert (item.charged_amount, item.authorized_amount, item.canceled_amount) == (Decimal("21.30"), 0, Decimal("3.70"))

    refund = services.transaction_refund(item, "1.30", actor=operator, reason="short weight", idempotency_key="rf-9")
    request = stripe_api.requests[-1]
    assert request["path"] == "/v1/refunds" and request["headers"]["Idempotency-Key"] == f"refund-{item.token}-rf-9"
    assert request["form"] == {"payment_intent": "pi_test1", "amount": "130"}
    assert (refund.type, refund.psp_reference) == ("REFUND_SUCCESS", "re_test2")
    calls = len(stripe_api.requests)
    with pytest.raises(DomainError) as exc:
        services.transaction_refund(item, "20.01", actor=operator)
    assert exc.value.code == "amount_exceeds_charged" and len(stripe_api.requests) == calls  # Stripe never asked


def test_cancel_voids_the_payment_intent(make_checkout, buyer, operator, stripe_api):
    checkout, item = _authorised(make_checkout, buyer, stripe_api)
    with pytest.raises(DomainError) as exc:  # Stripe cannot release part of a hold
        services.transaction_cancel_amount(item, "5.00", actor=operator)
    assert exc.value.code == "not_supported"
    event = services.transaction_cancel(item, actor=operator)
    assert stripe_api.requests[-1]["path"] == "/v1/payment_intents/pi_test1/cancel"
    assert event.type == "CANCEL_SUCCESS"
    item.refresh_from_db()
    assert (item.authorized_amount, item.canceled_amount) == (0, Decimal("25.00"))


def test_declined_card_is_a_failure_event(make_checkout, buyer, stripe_api):
    checkout = make_checkout(buyer)
    item = services.transaction_initialize(checkout_token=checkout.token, gateway_id=STRIPE, user=buyer).item
    stripe_api.decline(item.psp_reference)
    outcome = services.transaction_process(item, user=buyer)
    assert outcome.event.type == "CHARGE_FAILURE" and outcome.event.message == "Your card was declined."
    item.refresh_from_db()
    assert (item.charge_pending_amount, item.charged_amount) == (0, 0)


def test_stripe_errors_refuse_without_writing(make_checkout, buyer, operator, stripe_api):
    checkout, item = _authorised(make_checkout, buyer, stripe_api)
    TransactionItem.objects.filter(pk=item.pk).update(psp_reference="pi_unknown")
    events = TransactionEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        services.transaction_charge(item, "10.00", actor=operator)
    assert exc.value.code == "gateway_error" and TransactionEvent.objects.count() == events


# --- webhook -------------------------------------------------------------------------------------------------


def _intent(stripe_api, item):
    return dict(stripe_api.intents[item.psp_reference])


def test_webhook_succeeded_applies_once_and_ignores_replays(client, make_checkout, buyer, stripe_api, changes):
    checkout = make_checkout(buyer)
    item = services.transaction_initialize(checkout_token=checkout.token, gateway_id=STRIPE, user=buyer).item
    stripe_api.confirm(item.psp_reference)
    payload = stripe_event("evt_1", "payment_intent.succeeded", _intent(stripe_api, item))
    response = _post(client, payload, stripe_signature(payload))
    assert response.status_code == 200 and response.content == b"ok"
    item.refresh_from_db()
    assert (item.charged_amount, item.charge_pending_amount) == (Decimal("25.00"), 0)
    notified = len(changes)

    replay = _post(client, payload, stripe_signature(payload))
    assert replay.status_code == 200 and replay.content == b"already processed"
    # Another event id with the same news (Stripe may send both) changes nothing either.
    same_news = stripe_event("evt_2", "payment_intent.succeeded", _intent(stripe_api, item))
    assert _post(client, same_news, stripe_signature(same_news)).status_code == 200
    item.refresh_from_db()
    assert item.charged_amount == Decimal("25.00") and len(changes) == notified
    assert item.events.filter(type="CHARGE_SUCCESS").count() == 1
    assert StripeWebhookEvent.objects.count() == 2


def test_webhook_refuses_forged_missing_and_stale_signatures(client, make_checkout, buyer, stripe_api):
    item = services.transaction_initialize(
        checkout_token=make_checkout(buyer).token, gateway_id=STRIPE, user=buyer
    ).item
    stripe_api.confirm(item.psp_reference)
    payload = stripe_event("evt_9", "payment_intent.succeeded", _intent(stripe_api, item))
    tampered = payload.replace('"amount_received": 2500', '"amount_received": 250000')
    cases = [
        stripe_signature(payload, secret="whsec_attacker"),
        stripe_signature(payload)[:-2] + "00",
        stripe_signature(payload, timestamp=int(time.time()) - 301),  # older than Stripe's 5-minute tolerance
        "",
        None,
    ]
    for signature in cases:
        assert _post(client, payload, signature).status_code == 400, signature
    assert _post(client, tampered, stripe_signature(payload)).status_code == 400
    assert client.get(WEBHOOK_URL).status_code == 405
    item.refresh_from_db()
    assert item.charged_amount == 0 and StripeWebhookEvent.objects.count() == 0


def test_webhook_authorisation_failure_cancel_and_refund(client, make_checkout, buyer, operator, stripe_api):
    checkout = make_checkout(buyer)
    item = services.transaction_initialize(
        checkout_token=checkout.token, gateway_id=STRIPE, action="AUTHORIZATION", user=buyer
    ).item
    stripe_api.confirm(item.psp_reference)
    events = [("evt_a", "payment_intent.amount_capturable_updated", _intent(stripe_api, item))]
    for event_id, event_type, obj in events:
        payload = stripe_event(event_id, event_type, obj)
        assert _post(client, payload, stripe_signature(payload)).status_code == 200
    item.refresh_from_db()
    assert (item.authorized_amount, item.authorize_pending_amount) == (Decimal("25.00"), 0)

    services.transaction_charge(item, "25.00", actor=operator)
    refund_obj = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": item.psp_reference,
        "amount": 2500,
        "amount_refunded": 500,
        "refunds": {
            "object": "list",
            "data": [{"id": "re_dash1", "object": "refund", "amount": 500, "status": "succeeded"}],
        },
    }
    payload = stripe_event("evt_b", "charge.refunded", refund_obj)
    assert _post(client, payload, stripe_signature(payload)).status_code == 200
    item.refresh_from_db()
    assert item.refunded_amount == Decimal("5.00")
    # A later charge.refunded without the refunds list: the cumulative amount gives the difference.
    refund_obj = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": item.psp_reference,
        "amount": 2500,
        "amount_refunded": 800,
    }
    payload = stripe_event("evt_c", "charge.refunded", refund_obj)
    assert _post(client, payload, stripe_signature(payload)).status_code == 200
    item.refresh_from_db()
    assert item.refunded_amount == Decimal("8.00")


def test_webhook_payment_failed_and_canceled(client, make_checkout, buyer, stripe_api):
    checkout = make_checkout(buyer)
    item = services.transaction_initialize(
        checkout_token=checkout.token, gateway_id=STRIPE, action="AUTHORIZATION", user=buyer
    ).item
    stripe_api.decline(item.psp_reference)
    payload = stripe_event("evt_f", "payment_intent.payment_failed", _intent(stripe_api, item))
    assert _post(client, payload, stripe_signature(payload)).status_code == 200
    item.refresh_from_db()
    assert item.authorize_pending_amount == 0 and item.events.filter(type="AUTHORIZATION_FAILURE").exists()
    canceled = dict(_intent(stripe_api, item), status="canceled")
    payload = stripe_event("evt_x", "payment_intent.canceled", canceled)
    assert _post(client, payload, stripe_signature(payload)).status_code == 200
    assert item.events.filter(type="CANCEL_SUCCESS").count() == 1


def test_webhook_for_unknown_payment_is_acknowledged(client, db, stripe_api):
    payload = stripe_event(
        "evt_u", "payment_intent.succeeded", {"id": "pi_elsewhere", "object": "payment_intent", "metadata": {}}
    )
    assert _post(client, payload, stripe_signature(payload)).status_code == 200
    assert StripeWebhookEvent.objects.filter(event_id="evt_u").exists()


def test_webhook_not_configured(client, db, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert client.post(WEBHOOK_URL, data="{}", content_type="application/json").status_code == 404


def test_pending_refund_settled_by_webhook_and_retry_not_resent(client, make_checkout, buyer, operator, stripe_api):
    checkout = make_checkout(buyer)
    item = services.transaction_initialize(checkout_token=checkout.token, gateway_id=STRIPE, user=buyer).item
    stripe_api.confirm(item.psp_reference)
    services.transaction_process(item, user=buyer)
    stripe_api.refund_status = "pending"
    event = services.transaction_refund(item, "10.00", actor=operator, idempotency_key="rf-p")
    assert (event.type, event.psp_reference) == ("REFUND_REQUEST", "re_test2")
    calls = len(stripe_api.requests)
    assert services.transaction_refund(item, "10.00", actor=operator, idempotency_key="rf-p").pk == event.pk
    assert len(stripe_api.requests) == calls  # the retry is answered from our records
    item.refresh_from_db()
    assert (item.refund_pending_amount, item.refunded_amount) == (Decimal("10.00"), 0)

    charge = {
        "id": "ch_9",
        "object": "charge",
        "payment_intent": item.psp_reference,
        "amount": 2500,
        "amount_refunded": 1000,
        "refunds": {
            "object": "list",
            "data": [{"id": "re_test2", "object": "refund", "amount": 1000, "status": "succeeded"}],
        },
    }
    payload = stripe_event("evt_r", "charge.refunded", charge)
    assert _post(client, payload, stripe_signature(payload)).status_code == 200
    item.refresh_from_db()
    assert (item.refund_pending_amount, item.refunded_amount) == (0, Decimal("10.00"))


def test_a_checkout_of_two_shops_is_charged_not_held(make_user, buyer, rural, variant, stripe_api):
    """A PaymentIntent is captured once, releasing the rest: a hold over two shops' orders would be
    lost by the first shop's capture, so it is charged at once (weighing refunds the difference)."""
    from marketplace.checkout.services import checkout_create
    from tests.marketplace.checkout.factories import store_with_cooker

    _shop, cooker, _store = store_with_cooker(make_user(), rural)
    checkout = checkout_create(channel=rural, user=buyer, lines=[(variant, 2), (cooker, 1)])
    outcome = services.transaction_initialize(
        checkout_token=checkout.token,
        gateway_id=STRIPE,
        action="AUTHORIZATION",
        idempotency_key="two-shops",
        user=buyer,
    )
    assert stripe_api.requests[-1]["form"]["capture_method"] == "automatic"
    assert outcome.item.action == "CHARGE" and outcome.event.type == "CHARGE_ACTION_REQUIRED"
    one_shop = services.transaction_initialize(
        checkout_token=checkout_create(channel=rural, user=buyer, lines=[(variant, 1)]).token,
        gateway_id=STRIPE,
        action="AUTHORIZATION",
        idempotency_key="one",
        user=buyer,
    )
    assert one_shop.item.action == "AUTHORIZATION" and stripe_api.requests[-1]["form"]["capture_method"] == "manual"
