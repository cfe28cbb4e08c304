"""Money paid for a checkout nobody completes is given back after a day without activity; a recent
checkout, a recent payment or a completed checkout keeps its money."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.checkout.abandoned import checkout_funds_release_abandoned
from marketplace.checkout.models import Checkout
from marketplace.payments.models import TransactionEvent, TransactionItem
from marketplace.payments.services import transaction_process
from tests.marketplace.checkout.helpers import OFFLINE, paid_checkout, placed_orders
from tests.support.races import holding

pytestmark = pytest.mark.django_db


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
        created_at=timezone.now() - timedelta(days=3)
    )
    assert checkout_funds_release_abandoned() == 0
    for token in (recent.pk, paid_lately.pk, order.checkout_token):
        item = TransactionItem.objects.get(checkout_token=token)
        assert item.refunded_amount == 0 and item.charged_amount > 0


@pytest.mark.django_db(transaction=True)
def test_a_checkout_locked_by_a_completion_in_progress_is_left_alone(buyer, rural, pears):
    checkout = paid_checkout(buyer, rural, pears, "k1")
    age(checkout, 25)
    # A completion in progress on another connection holds the checkout's row.
    with holding(lambda: Checkout.objects.select_for_update().get(pk=checkout.pk), timeout=10):
        assert checkout_funds_release_abandoned() == 0
    assert TransactionItem.objects.get(checkout_token=checkout.pk).refunded_amount == 0
    assert checkout_funds_release_abandoned() == 1  # released once nobody holds it


def test_a_provider_refusing_the_refund_is_retried_next_hour_and_the_others_go_on(
    buyer, rural, pears, stripe_api, caplog
):  # noqa: F811
    by_card, card_item = paid_checkout(buyer, rural, pears, "k1", gateway="meidu.payments.stripe")
    stripe_api.confirm(card_item.psp_reference)
    transaction_process(card_item, user=buyer)
    by_demo_card = paid_checkout(buyer, rural, pears, "k2")
    age(by_card, 25)
    age(by_demo_card, 26)
    stripe_api.refund_error = "Stripe is unavailable"

    assert checkout_funds_release_abandoned() == 1  # the refusal does not stop the other checkout
    card_item.refresh_from_db()
    assert card_item.charged_amount > 0 and card_item.refunded_amount == card_item.refund_pending_amount == 0
    assert not card_item.events.filter(type__startswith="REFUND").exists()  # nothing recorded for the refusal
    demo = TransactionItem.objects.get(checkout_token=by_demo_card.pk)
    assert demo.refunded_amount == demo.charged_amount > 0
    assert f"releasing the funds of checkout {by_card.pk} failed" in caplog.text

    stripe_api.refund_error = None
    assert checkout_funds_release_abandoned() == 0  # the same hour: Stripe replays its saved refusal for the key
    next_hour = timezone.now() + timedelta(hours=1)
    assert checkout_funds_release_abandoned(now=next_hour) == 1  # a new attempt, a new key
    card_item.refresh_from_db()
    assert card_item.refunded_amount == card_item.charged_amount
    keys = [r["headers"]["Idempotency-Key"] for r in stripe_api.requests if r["path"] == "/v1/refunds"]
    assert len(keys) == 3 and keys[0] == keys[1] != keys[2]
    assert checkout_funds_release_abandoned(now=next_hour + timedelta(hours=1)) == 0  # nothing left to give back
