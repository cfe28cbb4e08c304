"""A cart bought through a distributor (issue 16): the line carries the reseller and its retail price; a
pick paused, removed or repriced before completion refuses it with a code and writes nothing; totals and
the supplier's gross add up to what the buyer pays."""

from decimal import Decimal

import pytest

from incubator.distribution.models import DistributedLine
from incubator.distribution.services import distribution_price_set, distribution_unpick
from incubator.supply.services import supply_offer_pause
from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.models import CheckoutLine
from marketplace.checkout.selectors import checkout_info
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_lines_add,
    checkout_shipping_address_update,
)
from marketplace.orders.models import Order
from marketplace.payments.services import transaction_initialize
from meidu.core.errors import DomainError
from tests.marketplace.checkout.helpers import ADDRESS, OFFLINE
from tests.marketplace.factories import listed_product


def paid(buyer, rural, reseller, variant, quantity=2, key="pay-x"):
    checkout = checkout_create(channel=rural, user=buyer, lines=[(variant, quantity)], reseller=reseller)
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    checkout_delivery_method_update(checkout, shipping_method=variant.product.shop.shipping_methods.get(kind="county"))
    transaction_initialize(
        checkout_token=checkout.pk, gateway_id=OFFLINE, action="CHARGE", idempotency_key=key, user=buyer
    )
    return checkout


def test_the_cart_line_carries_the_reseller_and_its_price(buyer, rural, coop, distributor, pick):
    checkout = checkout_create(channel=rural, user=buyer, lines=[(coop["variant"], 2)], reseller=distributor["shop"])
    line = CheckoutLine.objects.get(checkout=checkout)
    assert line.reseller_shop == distributor["shop"] and line.retail_unit_price_amount == Decimal("13.80")
    info = checkout_info(checkout)
    [group] = info.groups
    assert group.shop == coop["shop"] and group.reseller == distributor["shop"]
    assert info.subtotal == Decimal("27.60")  # R, not the cooperative's own channel price of 12.00
    distribution_price_set(pick, actor=distributor["owner"], retail_price="14.00")
    line.refresh_from_db()
    assert line.retail_unit_price_amount == Decimal("14.00")  # an open cart follows the new price


def test_a_direct_and_a_resale_line_of_one_supplier_become_two_orders(buyer, rural, coop, distributor, pick, make_user):
    other = listed_product(coop["shop"], coop["owner"], rural, name="玉米", price="3.00").variants.get()
    checkout = checkout_create(channel=rural, user=buyer, lines=[(coop["variant"], 1)], reseller=distributor["shop"])
    checkout_lines_add(checkout, [(other, 2)])
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    checkout_delivery_method_update(checkout, shipping_method=coop["shop"].shipping_methods.get(kind="county"))
    info = checkout_info(checkout)
    assert sorted((group.reseller is not None, group.subtotal) for group in info.groups) == [
        (False, Decimal("6.00")),
        (True, Decimal("13.80")),
    ]
    transaction_initialize(
        checkout_token=checkout.pk, gateway_id=OFFLINE, action="CHARGE", idempotency_key="two", user=buyer
    )
    orders = checkout_complete(checkout.pk, user=buyer).orders
    assert sorted((order.reseller_shop_id or 0, order.shop_id) for order in orders) == [
        (0, coop["shop"].pk),
        (distributor["shop"].pk, coop["shop"].pk),
    ]
    assert DistributedLine.objects.count() == 1


@pytest.mark.parametrize("change", ["pause", "unpick"])
def test_a_pick_gone_before_completion_refuses_it_writing_nothing(buyer, rural, coop, distributor, offer, pick, change):
    checkout = paid(buyer, rural, distributor["shop"], coop["variant"])
    if change == "pause":
        supply_offer_pause(offer, actor=coop["owner"])
    else:
        distribution_unpick(pick, actor=distributor["owner"])
    with pytest.raises(DomainError) as refused:
        checkout_complete(checkout.pk, user=buyer)
    assert refused.value.code == "resale_unavailable"
    assert not Order.objects.exists() and not DistributedLine.objects.exists()


def test_adding_through_a_shop_that_does_not_sell_it_is_refused(buyer, rural, coop, distributor, offer):
    with pytest.raises(DomainError) as refused:
        checkout_create(channel=rural, user=buyer, lines=[(coop["variant"], 1)], reseller=distributor["shop"])
    assert refused.value.code == "resale_unavailable"


def test_money_adds_up_to_what_the_buyer_paid(buyer, rural, coop, distributor, pick):
    checkout = paid(buyer, rural, distributor["shop"], coop["variant"], quantity=3)
    [order] = checkout_complete(checkout.pk, user=buyer).orders
    line = DistributedLine.objects.get(order=order)
    goods = line.retail_unit_price * line.quantity
    supplier_gross = line.supply_unit_price * line.quantity
    margin = goods - supplier_gross
    assert order.subtotal_amount == goods == Decimal("41.40")
    assert supplier_gross + line.commission_amount + (margin - line.commission_amount) == goods
    assert margin - line.commission_amount >= 0  # the platform's share of the margin is never negative
