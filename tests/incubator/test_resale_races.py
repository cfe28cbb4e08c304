"""Races of issue 16 on real connections (tests/support/races.py): a supplier pausing its offer while a
distributor picks it, and while a buyer completes a checkout through a distributor. Either the pause comes
first (the pick or the order is refused with a code, nothing written) or the pick/order comes first and
stands; never an order on a paused offer taken after the pause, never a deadlock."""

import pytest

from incubator.distribution.models import DistributedLine, DistributionPick
from incubator.distribution.services import distribution_pick
from incubator.supply.models import SupplyOffer
from incubator.supply.services import supply_offer_open, supply_offer_pause
from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.orders.models import Order
from marketplace.payments.services import transaction_initialize
from meidu.accounts.roles import Role
from tests.marketplace.checkout.helpers import ADDRESS, OFFLINE
from tests.marketplace.factories import open_shop
from tests.support.races import race

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 4


def test_a_pause_racing_a_pick_never_leaves_a_pick_taken_after_the_pause(coop, offer, make_user):
    for round_no in range(ROUNDS):
        owner = make_user(Role.BUYER)
        shop = open_shop(owner, name=f"赛跑店{round_no}", kind="distributor")
        calls = [
            lambda: supply_offer_pause(SupplyOffer.objects.get(pk=offer.pk), actor=coop["owner"]),
            lambda owner=owner, shop=shop: distribution_pick(
                actor=owner, shop=shop, offer=SupplyOffer.objects.get(pk=offer.pk), retail_price="13.00"
            ),
        ]
        if round_no % 2:
            calls.reverse()
        outcomes = race(*calls)
        pause, pick = (outcomes[0], outcomes[1]) if round_no % 2 == 0 else (outcomes[1], outcomes[0])
        assert pause.ok
        assert pick.code in ("ok", "offer_not_open")
        picked = DistributionPick.objects.filter(distributor_shop=shop)
        if pick.ok:
            # the pick took the offer lock first: it was made while the offer was open
            assert picked.get().events.get(action="picked").created_at <= offer.events.last().created_at
        else:
            assert not picked.exists()
        supply_offer_open(SupplyOffer.objects.get(pk=offer.pk), actor=coop["owner"])


def _paid_checkout(buyer, rural, reseller, variant, key):
    checkout = checkout_create(channel=rural, user=buyer, lines=[(variant, 1)], reseller=reseller)
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    checkout_delivery_method_update(checkout, shipping_method=variant.product.shop.shipping_methods.get(kind="county"))
    transaction_initialize(
        checkout_token=checkout.pk, gateway_id=OFFLINE, action="CHARGE", idempotency_key=key, user=buyer
    )
    return checkout


def test_a_pause_racing_a_checkout_through_a_distributor(coop, offer, distributor, pick, rural, make_user):
    for round_no in range(ROUNDS):
        buyer = make_user(Role.BUYER)
        checkout = _paid_checkout(buyer, rural, distributor["shop"], coop["variant"], f"race-{round_no}")
        calls = [
            lambda: supply_offer_pause(SupplyOffer.objects.get(pk=offer.pk), actor=coop["owner"]),
            lambda checkout=checkout, buyer=buyer: checkout_complete(checkout.pk, user=buyer),
        ]
        if round_no % 2:
            calls.reverse()
        outcomes = race(*calls)
        pause, completion = (outcomes[0], outcomes[1]) if round_no % 2 == 0 else (outcomes[1], outcomes[0])
        assert pause.ok
        assert completion.code in ("ok", "resale_unavailable")
        orders = Order.objects.filter(user=buyer)
        if completion.ok:
            [order] = orders
            assert DistributedLine.objects.filter(order=order).count() == 1
        else:
            assert not orders.exists()
            assert not DistributedLine.objects.filter(order__user=buyer).exists()
        supply_offer_open(SupplyOffer.objects.get(pk=offer.pk), actor=coop["owner"])
