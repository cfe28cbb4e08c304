"""A request's lines lock their stocks in ascending pk, whatever order the buyer listed them in
(checkout.reservations.stocks_prelock). checkoutComplete allocates in ascending pk, so a cart whose
lines locked the higher stock first would hold it while waiting for the lower one, and a completion
holding the lower one and wanting the higher one would deadlock with it (seen under the checkout load
mix as "deadlock detected ... while locking tuple in inventory_stock")."""

from __future__ import annotations

import pytest
from django.db import OperationalError, transaction

from marketplace.checkout.services import checkout_create
from marketplace.inventory.models import Stock
from tests.marketplace.factories import listed_product
from tests.support.races import holding, in_background

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _reservations_on(settings):
    settings.CHECKOUT_RESERVATION_MINUTES = 30


def test_a_cart_listing_the_higher_stock_first_waits_for_the_lower_holding_nothing(
    make_user, rural, farmer, farmer_shop
):
    first = listed_product(farmer_shop, farmer, rural, name="南果梨", quantity=10).variants.get()
    second = listed_product(farmer_shop, farmer, rural, name="苹果梨", quantity=10).variants.get()
    low, high = sorted([Stock.objects.get(variant=first), Stock.objects.get(variant=second)], key=lambda s: s.pk)
    listed = [(high.variant, 1), (low.variant, 1)]  # the buyer's order: the higher stock first
    buyer = make_user()
    with holding(lambda: Stock.objects.select_for_update().get(pk=low.pk)):  # as a completion would
        creating = in_background(lambda: checkout_create(channel=rural, user=buyer, lines=listed))
        assert creating.running_after(1.0)  # waits for the lower stock ...
        with transaction.atomic():  # ... holding nothing: the higher one is free to take
            try:
                Stock.objects.select_for_update(nowait=True).get(pk=high.pk)
            except OperationalError:  # the first half of the deadlock
                pytest.fail("the cart locked the higher stock before the lower one")
    checkout = creating.result()
    assert sorted(line.variant_id for line in checkout.lines.all()) == sorted([first.pk, second.pk])
