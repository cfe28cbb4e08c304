"""Buyers on real, separate database connections race for the last units: no oversell, and each
loser gets INSUFFICIENT_STOCK with nothing allocated and its payment voided."""

import pytest

from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.models import Checkout
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.inventory.models import Stock
from marketplace.inventory.services import stock_update
from marketplace.orders.models import Allocation, Order
from marketplace.payments.models import TransactionItem
from marketplace.payments.services import transaction_initialize
from tests.marketplace.checkout.helpers import ADDRESS, OFFLINE
from tests.support.races import race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("follow_ups_in_worker", [False, True], ids=["in-request", "after-commit-task"])
def test_twelve_buyers_race_for_five_units(make_user, settings, pears, rural, follow_ups_in_worker):
    settings.CHECKOUT_RESERVATION_MINUTES = 0  # reservations would stop the race at the cart
    # after-commit-task: refunds and settlement postings go through their Celery tasks after each
    # commit (run eagerly here, by a worker in production)
    settings.FOLLOW_UPS_IN_WORKER = follow_ups_in_worker
    variant = pears["variant"]
    Stock.objects.filter(variant=variant).update(quantity=5)
    method = pears["shop"].shipping_methods.get(kind="county")
    tokens = []
    for n in range(12):
        buyer = make_user()
        checkout = checkout_create(channel=rural, user=buyer, lines=[(variant, 1)])
        checkout_shipping_address_update(checkout, dict(ADDRESS))
        checkout_delivery_method_update(checkout, shipping_method=method)
        transaction_initialize(
            checkout_token=checkout.pk, gateway_id=OFFLINE, action="CHARGE", idempotency_key=f"k{n}", user=buyer
        )
        tokens.append((checkout.pk, buyer))
    outcomes = race(
        *[lambda token=token, buyer=buyer: checkout_complete(token, user=buyer).orders for token, buyer in tokens]
    )

    won = [outcome for outcome in outcomes if outcome.ok]
    lost = [(outcome.code, token) for outcome, (token, _) in zip(outcomes, tokens, strict=True) if not outcome.ok]
    assert len(won) == 5 and {code for code, _ in lost} == {"insufficient_stock"}
    stock = Stock.objects.get(variant=variant)
    assert (stock.quantity, stock.quantity_allocated) == (5, 5)
    assert Order.objects.count() == 5 and sum(a.quantity_allocated for a in Allocation.objects.all()) == 5
    for _, token in lost:
        item = TransactionItem.objects.get(checkout_token=token)
        assert item.charged_amount == item.refunded_amount  # paid, then refunded automatically
        assert Checkout.objects.filter(pk=token).exists()
    for order in Order.objects.all():
        assert order.is_paid and order.settlement.charged_amount == order.charged_amount  # posted once, either way


def _holders(variant, rural, method, make_user, count, prefix):
    """``count`` buyers, each with a paid checkout holding one unit (a live reservation)."""
    holders = []
    for n in range(count):
        buyer = make_user()
        checkout = checkout_create(channel=rural, user=buyer, lines=[(variant, 1)])
        checkout_shipping_address_update(checkout, dict(ADDRESS))
        checkout_delivery_method_update(checkout, shipping_method=method)
        transaction_initialize(
            checkout_token=checkout.pk, gateway_id=OFFLINE, action="CHARGE", idempotency_key=f"{prefix}-{n}", user=buyer
        )
        holders.append((checkout.pk, buyer))
    return holders


def test_holders_of_the_last_units_completing_together_all_buy(make_user, settings, pears, rural):
    """Issue 12: ten buyers hold the last ten units and complete at once, round after round. Every held
    unit is sold to its holder (0 undersold, 0 oversold); before the fix a holder who committed while
    another waited for the stock row counted twice (its allocation and its deleted reservation)."""
    settings.CHECKOUT_RESERVATION_MINUTES = 20  # the default
    variant, owner, warehouse = pears["variant"], pears["owner"], pears["warehouse"]
    method = pears["shop"].shipping_methods.get(kind="county")
    for round_ in range(6):
        stock = Stock.objects.get(variant=variant)
        stock_update(warehouse, variant, actor=owner, quantity=stock.quantity_allocated + 10)
        holders = _holders(variant, rural, method, make_user, 10, f"r{round_}")
        outcomes = race(
            *[lambda token=token, buyer=buyer: checkout_complete(token, user=buyer) for token, buyer in holders]
        )
        refused = [outcome.code for outcome in outcomes if not outcome.ok]
        assert refused == [], f"round {round_}: {refused}"
        stock = Stock.objects.get(variant=variant)
        assert stock.quantity == stock.quantity_allocated  # all ten sold, none beyond
    assert Order.objects.count() == 60 and not Checkout.objects.exists()
    assert sum(a.quantity_allocated for a in Allocation.objects.all()) == 60
