"""Money paid for a checkout nobody completes is given back after a day without activity; a recent
checkout, a recent payment or a completed checkout keeps its money."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.checkout.abandoned import checkout_funds_release_abandoned
from marketplace.checkout.models import Checkout
from marketplace.checkout.services import checkout_create, checkout_delivery_method_update, checkout_shipping_address_update
from marketplace.payments.models import TransactionEvent, TransactionItem
from marketplace.payments.services import transaction_initialize
from tests.marketplace.checkout.helpers import ADDRESS, OFFLINE, placed_orders

pytestmark = pytest.mark.django_db


def paid_checkout(buyer, rural, pears, key, action="CHARGE"):
    checkout = checkout_create(channel=rural, user=buyer, lines=[(pears["variant"], 1)])
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    checkout_delivery_method_update(checkout, shipping_method=pears["shop"].shipping_methods.get(kind="county"))
    transaction_initialize(checkout_token=checkout.pk, gateway_id=OFFLINE, action=action, idempotency_key=key, user=buyer)
    return checkout


def age(checkout, hours, *, payments_too=True):
    then = timezone.now() - timedelta(hours=hours)
    Checkout.objects.filter(pk=checkout.pk).update(updated_at=then)
    if payments_too:
        TransactionEvent.objects.filter(item__checkout_token=checkout.pk).update(created_at=then)


def test_a_day_old_paid_checkout_is_refunded_once(buyer, rural, pears):
    charged = paid_checkout(buyer, rural, pears, "k1")
    authorised = paid_checkout(buyer, rural, pears, "k2", action="AUTHORIZATION")
    age(charged, 25)
    age(authorised, 30)
    assert checkout_funds_release_abandoned() == 2
    item = TransactionItem.objects.get(checkout_token=charged.pk)
    assert item.charged_amount > 0 and item.refunded_amount == item.charged_amount
    voided = TransactionItem.objects.get(checkout_token=authorised.pk)
    assert voided.authorized_amount == 0 and voided.canceled_amount > 0
    assert Checkout.objects.filter(pk=charged.pk).exists()  # the cart stays; only the money went back
    assert checkout_funds_release_abandoned() == 0  # nothing left to give back


def test_recent_checkouts_recent_payments_and_completed_ones_keep_their_money(buyer, rural, pears):
    recent = paid_checkout(buyer, rural, pears, "k1")
    paid_lately = paid_checkout(buyer, rural, pears, "k2")
    age(paid_lately, 48, payments_too=False)  # an old cart, but the buyer paid just now
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE", key="k3")
    TransactionEvent.objects.filter(item__checkout_token=order.checkout_token).update(
        created_at=timezone.now() - timedelta(days=3))
    assert checkout_funds_release_abandoned() == 0
    for token in (recent.pk, paid_lately.pk, order.checkout_token):
        item = TransactionItem.objects.get(checkout_token=token)
        assert item.refunded_amount == 0 and item.charged_amount > 0


@pytest.mark.django_db(transaction=True)
def test_a_checkout_locked_by_a_completion_in_progress_is_left_alone(buyer, rural, pears):
    import threading

    from django.db import connection, transaction

    checkout = paid_checkout(buyer, rural, pears, "k1")
    age(checkout, 25)
    locked, done = threading.Event(), threading.Event()

    def completing():
        try:
            with transaction.atomic():
                Checkout.objects.select_for_update().get(pk=checkout.pk)
                locked.set()
                done.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=completing)
    thread.start()
    assert locked.wait(10)
    try:
        assert checkout_funds_release_abandoned() == 0
    finally:
        done.set()
        thread.join()
    assert TransactionItem.objects.get(checkout_token=checkout.pk).refunded_amount == 0
    assert checkout_funds_release_abandoned() == 1  # released once nobody holds it
