"""Payments services with the cash, bank-transfer and offline gateways: happy paths and every refusal."""

from decimal import Decimal

import pytest

from marketplace.payments import services
from marketplace.payments.models import TransactionEvent, TransactionItem
from marketplace.payments.selectors import (
    checkout_authorize_status,
    checkout_charge_status,
    checkout_payment_totals,
    checkout_requires_payment_before_order,
    gateway_requires_payment_before_order,
    payment_gateways_available,
)
from meidu.core.errors import DomainError, DomainErrors, PermissionDenied
from meidu.integrations.models import EventPayload
from tests.meidu.integrations.webhook_rows import webhook_row_insert

COD = "meidu.payments.cod"
BANK = "meidu.payments.bank_transfer"
OFFLINE = "meidu.payments.offline"


def _snapshot(item):
    item = TransactionItem.objects.get(pk=item.pk)
    return (
        item.authorized_amount,
        item.charged_amount,
        item.refunded_amount,
        item.canceled_amount,
        item.authorize_pending_amount,
        item.charge_pending_amount,
        item.refund_pending_amount,
        item.events.count(),
    )


def test_available_gateways_take_the_checkout_currency(make_checkout, buyer):
    from marketplace.checkout.selectors import checkout_payment_source

    source = checkout_payment_source(make_checkout(buyer).token)
    ids = [gateway.id for gateway in payment_gateways_available(source)]
    assert ids == [COD, BANK, OFFLINE]  # Stripe is not offered without a secret key
    assert gateway_requires_payment_before_order(OFFLINE) and not gateway_requires_payment_before_order(COD)
    assert gateway_requires_payment_before_order("no.such.gateway")


def test_cod_authorised_at_order_then_collected_by_driver(make_checkout, buyer, driver, changes):
    checkout = make_checkout(buyer)
    outcome = services.transaction_initialize(
        checkout_token=checkout.token, gateway_id=COD, action="CHARGE", user=buyer
    )
    item = outcome.item
    assert item.action == "AUTHORIZATION"  # cash on delivery only promises to pay
    assert (item.authorized_amount, item.charged_amount, item.authorize_pending_amount) == (Decimal("25.00"), 0, 0)
    assert outcome.event.type == "AUTHORIZATION_SUCCESS"
    assert checkout_authorize_status(checkout.token, Decimal("25.00")) == "FULL"
    assert checkout_charge_status(checkout.token, Decimal("25.00")) == "NONE"
    assert not checkout_requires_payment_before_order(checkout.token)

    event = services.transaction_cod_collect(item, actor=driver, amount=Decimal("10.00"))
    assert event.type == "CHARGE_SUCCESS" and event.created_by == driver
    item.refresh_from_db()
    assert (item.authorized_amount, item.charged_amount) == (Decimal("15.00"), Decimal("10.00"))
    assert checkout_charge_status(checkout.token, Decimal("25.00")) == "PARTIAL"
    services.transaction_cod_collect(item, actor=driver, amount="15.00")
    assert checkout_payment_totals(checkout.token) == (Decimal("0.00"), Decimal("25.00"), Decimal("0.00"))
    assert checkout_charge_status(checkout.token, Decimal("25.00")) == "FULL"
    # an instant authorisation tells the orders once (its request and success are written together)
    assert [c[1] for c in changes] == [
        "AUTHORIZATION_SUCCESS",
        "CHARGE_REQUEST",
        "CHARGE_SUCCESS",
        "CHARGE_REQUEST",
        "CHARGE_SUCCESS",
    ]


def test_cod_collect_refused_for_buyer_and_above_authorised(make_checkout, buyer, station_agent):
    item = services.transaction_initialize(checkout_token=make_checkout(buyer).token, gateway_id=COD, user=buyer).item
    before = _snapshot(item)
    with pytest.raises(PermissionDenied):
        services.transaction_cod_collect(item, actor=buyer, amount="25.00")
    with pytest.raises(PermissionDenied):
        services.transaction_cod_collect(item, actor=None, amount="25.00")
    with pytest.raises(DomainError) as exc:
        services.transaction_cod_collect(item, actor=station_agent, amount="25.01")
    assert exc.value.code == "amount_exceeds_authorized"
    with pytest.raises(DomainError) as exc:
        services.transaction_cod_collect(item, actor=station_agent, amount="-1")
    assert exc.value.code == "invalid"
    with pytest.raises(PermissionDenied):
        services.transaction_cod_collect(item, actor=None, amount="25.00", collector_verified=True)
    assert _snapshot(item) == before
    assert services.transaction_cod_collect(item, actor=station_agent, amount="20.00").type == "CHARGE_SUCCESS"
    # A store clerk (no role permission) collects at the counter once orders checked the pickup code.
    clerk = buyer
    assert (
        services.transaction_cod_collect(item, actor=clerk, amount="5.00", collector_verified=True).created_by == clerk
    )


def test_cod_collect_refused_on_other_gateways(make_checkout, buyer, driver):
    item = services.transaction_initialize(
        checkout_token=make_checkout(buyer).token, gateway_id=OFFLINE, action="AUTHORIZATION", user=buyer
    ).item
    with pytest.raises(DomainError) as exc:
        services.transaction_cod_collect(item, actor=driver, amount="1.00")
    assert exc.value.code == "invalid"


def test_bank_transfer_pending_until_operator_confirms(make_checkout, buyer, operator, changes):
    checkout = make_checkout(buyer)
    outcome = services.transaction_initialize(checkout_token=checkout.token, gateway_id=BANK, user=buyer)
    item = outcome.item
    assert outcome.event.type == "CHARGE_REQUEST"
    assert outcome.data["reference"] == item.psp_reference and item.psp_reference.startswith("BT")
    assert (item.charge_pending_amount, item.charged_amount) == (Decimal("25.00"), 0)
    assert checkout_authorize_status(checkout.token, Decimal("25.00")) == "NONE"
    assert not checkout_requires_payment_before_order(checkout.token)  # the order may be made before the money

    before = _snapshot(item)
    with pytest.raises(PermissionDenied):
        services.transaction_bank_transfer_confirm(item, actor=buyer, amount="25.00")
    with pytest.raises(DomainError) as exc:
        services.transaction_bank_transfer_confirm(item, actor=operator, amount="30.00")
    assert exc.value.code == "invalid"
    assert _snapshot(item) == before

    event = services.transaction_bank_transfer_confirm(
        item, actor=operator, amount="25.00", reason="ICBC statement 0412"
    )
    assert event.type == "CHARGE_SUCCESS" and event.message == "ICBC statement 0412"
    item.refresh_from_db()
    assert (item.charge_pending_amount, item.charged_amount) == (0, Decimal("25.00"))
    assert checkout_charge_status(checkout.token, Decimal("25.00")) == "FULL"


def test_offline_charge_and_decline(make_checkout, buyer):
    checkout = make_checkout(buyer)
    declined = services.transaction_initialize(
        checkout_token=checkout.token, gateway_id=OFFLINE, data={"simulate": "decline"}, user=buyer
    )
    assert declined.event.type == "CHARGE_FAILURE"
    assert _snapshot(declined.item)[:7] == (0, 0, 0, 0, 0, 0, 0)
    assert checkout_charge_status(checkout.token, Decimal("25.00")) == "NONE"
    assert checkout_requires_payment_before_order(checkout.token)

    paid = services.transaction_initialize(checkout_token=checkout.token, gateway_id=OFFLINE, user=buyer)
    assert paid.event.type == "CHARGE_SUCCESS" and paid.item.charged_amount == Decimal("25.00")
    assert paid.item.psp_reference.startswith("offline-pay-")
    assert checkout_charge_status(checkout.token, Decimal("25.00")) == "FULL"
    assert checkout_charge_status(checkout.token, Decimal("20.00")) == "OVERCHARGED"
    with pytest.raises(DomainError) as exc:  # nothing left to pay by default
        services.transaction_initialize(checkout_token=checkout.token, gateway_id=OFFLINE, user=buyer)
    assert exc.value.code == "invalid"


def test_offline_authorise_then_charge_actual_weight(make_checkout, buyer, farmer):
    item = services.transaction_initialize(
        checkout_token=make_checkout(buyer).token, gateway_id=OFFLINE, action="AUTHORIZATION", user=buyer
    ).item
    assert item.authorized_amount == Decimal("25.00")
    with pytest.raises(DomainError) as exc:
        services.transaction_charge(item, "25.01", actor=farmer, reason="weighed")
    assert exc.value.code == "amount_exceeds_authorized"
    event = services.transaction_charge(item, "21.30", actor=farmer, reason="weighed 4.26 jin", release_remainder=True)
    assert event.type == "CHARGE_SUCCESS"
    item.refresh_from_db()
    assert (item.authorized_amount, item.charged_amount, item.canceled_amount) == (0, Decimal("21.30"), Decimal("3.70"))
    assert item.events.filter(type="CHARGE_REQUEST", message="weighed 4.26 jin").exists()


def test_refund_above_charged_refused_and_nothing_written(make_checkout, buyer, operator):
    item = services.transaction_initialize(
        checkout_token=make_checkout(buyer).token, gateway_id=OFFLINE, user=buyer
    ).item
    services.transaction_refund(item, "5.00", actor=operator, reason="bruised pears")
    before = _snapshot(item)
    payloads = EventPayload.objects.count()
    with pytest.raises(DomainError) as exc:
        services.transaction_refund(item, "20.01", actor=operator, reason="too much")
    assert exc.value.code == "amount_exceeds_charged" and exc.value.field == "amount"
    with pytest.raises(DomainError) as exc:
        services.transaction_refund(item, "0", actor=operator)
    assert exc.value.code == "invalid"
    with pytest.raises(DomainError) as exc:
        services.transaction_refund(item, "1.005", actor=operator)
    assert exc.value.code == "invalid"
    assert _snapshot(item) == before and EventPayload.objects.count() == payloads
    services.transaction_refund(item, "20.00", actor=operator)
    item.refresh_from_db()
    assert item.refunded_amount == item.charged_amount == Decimal("25.00")


def test_refund_idempotency_key_and_refund_created_webhook(make_checkout, buyer, operator):
    from meidu.core.permissions import PaymentPermissions
    from meidu.integrations.services.apps import app_create

    app, _token = app_create(name="ERP", permissions=[PaymentPermissions.HANDLE_PAYMENTS], actor=operator)
    webhook_row_insert(app=app, target_url="https://erp.example.com/hook", events=["refund_created"])
    item = services.transaction_initialize(
        checkout_token=make_checkout(buyer).token, gateway_id=OFFLINE, user=buyer
    ).item
    first = services.transaction_refund(item, "5.00", actor=operator, idempotency_key="rf-1")
    again = services.transaction_refund(item, "5.00", actor=operator, idempotency_key="rf-1")
    assert again.pk == first.pk and first.type == "REFUND_SUCCESS"
    item.refresh_from_db()
    assert item.refunded_amount == Decimal("5.00")
    with pytest.raises(DomainError) as exc:
        services.transaction_refund(item, "6.00", actor=operator, idempotency_key="rf-1")
    assert exc.value.code == "unique"
    payloads = list(EventPayload.objects.filter(event_type="refund_created"))
    assert len(payloads) == 1 and '"amount":"5.00"' in payloads[0].payload


def test_initialize_idempotency(make_checkout, buyer):
    checkout = make_checkout(buyer)
    first = services.transaction_initialize(
        checkout_token=checkout.token,
        gateway_id=OFFLINE,
        amount="10.00",
        idempotency_key="key-1",
        data={"a": 1},
        user=buyer,
    )
    events = TransactionEvent.objects.count()
    again = services.transaction_initialize(
        checkout_token=checkout.token,
        gateway_id=OFFLINE,
        amount="10.00",
        idempotency_key="key-1",
        data={"a": 1},
        user=buyer,
    )
    assert again.item.pk == first.item.pk and again.event.pk == first.event.pk
    assert TransactionEvent.objects.count() == events and TransactionItem.objects.count() == 1
    for changed in ({"amount": "11.00", "data": {"a": 1}}, {"amount": "10.00", "data": {"a": 2}}):
        with pytest.raises(DomainError) as exc:
            services.transaction_initialize(
                checkout_token=checkout.token, gateway_id=OFFLINE, idempotency_key="key-1", user=buyer, **changed
            )
        assert exc.value.code == "unique"
    assert TransactionEvent.objects.count() == events and TransactionItem.objects.count() == 1
    other = services.transaction_initialize(
        checkout_token=checkout.token, gateway_id=OFFLINE, idempotency_key="key-2", user=buyer
    )
    assert other.item.charged_amount == Decimal("15.00")  # the rest of the total by default


def test_initialize_refusals(make_checkout, buyer):
    import uuid

    checkout = make_checkout(buyer)
    cases = [
        ({"checkout_token": uuid.uuid4(), "gateway_id": COD}, "not_found"),
        ({"checkout_token": checkout.token, "gateway_id": "meidu.payments.stripe"}, "not_found"),  # no key: not offered
        ({"checkout_token": checkout.token, "gateway_id": COD, "amount": "0"}, "invalid"),
        ({"checkout_token": checkout.token, "gateway_id": COD, "amount": "1.234"}, "invalid"),
        ({"checkout_token": checkout.token, "gateway_id": COD, "amount": "abc"}, "invalid"),
        ({"checkout_token": checkout.token, "gateway_id": COD, "action": "STEAL"}, "invalid"),
        ({"checkout_token": checkout.token, "gateway_id": COD, "idempotency_key": "k" * 256}, "invalid"),
    ]
    for kwargs, code in cases:
        with pytest.raises(DomainError) as exc:
            services.transaction_initialize(user=buyer, **kwargs)
        assert exc.value.code == code, kwargs
    assert TransactionItem.objects.count() == 0 and TransactionEvent.objects.count() == 0


def test_cancel_and_partial_release(make_checkout, buyer, operator):
    item = services.transaction_initialize(checkout_token=make_checkout(buyer).token, gateway_id=COD, user=buyer).item
    event = services.transaction_cancel_amount(item, "5.00", actor=operator, reason="one line cancelled")
    assert event.type == "CANCEL_SUCCESS"
    item.refresh_from_db()
    assert (item.authorized_amount, item.canceled_amount) == (Decimal("20.00"), Decimal("5.00"))
    with pytest.raises(DomainError) as exc:
        services.transaction_cancel_amount(item, "20.01", actor=operator)
    assert exc.value.code == "amount_exceeds_authorized"
    assert services.transaction_cancel(item, actor=operator).type == "CANCEL_SUCCESS"
    item.refresh_from_db()
    assert (item.authorized_amount, item.canceled_amount) == (0, Decimal("25.00"))
    assert services.transaction_cancel(item, actor=operator) is None  # nothing left to void


def test_refund_or_void_gives_everything_back(make_checkout, buyer):
    checkout = make_checkout(buyer, quantity=4)  # 50.00
    charged = services.transaction_initialize(
        checkout_token=checkout.token, gateway_id=OFFLINE, amount="30.00", user=buyer
    ).item
    authorised = services.transaction_initialize(checkout_token=checkout.token, gateway_id=COD, user=buyer).item
    assert authorised.authorized_amount == Decimal("20.00")
    events = services.checkout_transactions_refund_or_void(checkout.token, reason="allocation failed")
    assert sorted(e.type for e in events) == ["CANCEL_SUCCESS", "REFUND_SUCCESS"]
    charged.refresh_from_db()
    authorised.refresh_from_db()
    assert (charged.charged_amount, charged.refunded_amount) == (Decimal("30.00"), Decimal("30.00"))
    assert (authorised.authorized_amount, authorised.canceled_amount) == (0, Decimal("20.00"))
    assert checkout_charge_status(checkout.token, Decimal("50.00")) == "NONE"
    assert services.checkout_transactions_refund_or_void(checkout.token, reason="again") == []


def test_db_refuses_refunded_above_charged(make_checkout, buyer):
    from django.db import IntegrityError, transaction

    item = services.transaction_initialize(
        checkout_token=make_checkout(buyer).token, gateway_id=OFFLINE, user=buyer
    ).item
    with pytest.raises(IntegrityError), transaction.atomic():
        TransactionItem.objects.filter(pk=item.pk).update(refunded_amount=Decimal("25.01"))


def test_reported_events_are_recorded_once(make_checkout, buyer):
    item = services.transaction_initialize(checkout_token=make_checkout(buyer).token, gateway_id=BANK, user=buyer).item
    event, created = services.transaction_event_report(
        item, "CHARGE_SUCCESS", Decimal("25.00"), psp_reference="bank-line-9"
    )
    again, created_again = services.transaction_event_report(
        item, "CHARGE_SUCCESS", Decimal("25.00"), psp_reference="bank-line-9"
    )
    assert created and not created_again and again.pk == event.pk
    item.refresh_from_db()
    assert item.charged_amount == Decimal("25.00")


def test_refund_or_void_reports_all_refusals_together(make_checkout, buyer, settings):
    from marketplace.payments.gateways import gateways_clear_cache

    checkout = make_checkout(buyer)
    services.transaction_initialize(checkout_token=checkout.token, gateway_id=OFFLINE, user=buyer)
    settings.PAYMENT_GATEWAYS = ["marketplace.payments.gateways.cod.CashOnDeliveryGateway"]
    gateways_clear_cache()
    try:
        with pytest.raises(DomainErrors) as exc:
            services.checkout_transactions_refund_or_void(checkout.token, reason="allocation failed")
        assert exc.value.code == "not_found"
    finally:
        gateways_clear_cache()


def test_process_without_provider_news_writes_nothing(make_checkout, buyer):
    item = services.transaction_initialize(checkout_token=make_checkout(buyer).token, gateway_id=BANK, user=buyer).item
    before = _snapshot(item)
    outcome = services.transaction_process(item, {"paid": True}, user=buyer)
    assert outcome.event.type == "CHARGE_REQUEST" and _snapshot(item) == before  # only an operator confirms a transfer


def test_transactions_for_checkout_costs_two_queries(make_checkout, buyer, django_assert_max_num_queries):
    from marketplace.payments.selectors import transactions_for_checkout

    checkout = make_checkout(buyer, quantity=6)
    for amount in ("10.00", "20.00", "30.00"):
        services.transaction_initialize(checkout_token=checkout.token, gateway_id=OFFLINE, amount=amount, user=buyer)
    with django_assert_max_num_queries(2):
        items = list(transactions_for_checkout(checkout.token))
        assert [len(item.events.all()) for item in items] == [2, 2, 2]
