"""The distribution world (issue 16), a plugin registered in tests/conftest.py: a cooperative selling
Nanguo pears with an open supply offer, a distributor shop that picked them, and a helper placing an
order through the distributor (checkout -> delivery -> payment -> orders); an inviting distributor
(``inviter``) and ``invite`` recording who invited a shop."""

from __future__ import annotations

from decimal import Decimal

import pytest

from incubator.distribution.services import distribution_pick
from incubator.referrals.services import distributor_inviter_record, referral_link_create
from incubator.supply.services import supply_offer_create, supply_offer_open
from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.payments.services import transaction_initialize
from marketplace.shipping.services import shipping_method_enable
from meidu.accounts.roles import Role
from tests.magnesium_exchange.records_factories import credit_code
from tests.marketplace.checkout.helpers import ADDRESS, OFFLINE
from tests.marketplace.factories import listed_product, open_shop

OFFER_TERMS = {
    "supply_price": "8.00",
    "suggested_retail_price": "12.50",
    "min_retail_price": "10.00",
    "max_retail_price": "16.00",
    "commission_kind": "rate",
    "commission_value": "0.10",
    "regions": ["辽宁省", "吉林省"],
}


@pytest.fixture
def coop(make_user, rural, zones):
    """A production cooperative selling Nanguo pears (20 boxes in its own warehouse)."""
    owner = make_user(Role.BUYER)
    shop = open_shop(
        owner, name="南果梨合作社", kind="cooperative", track="business", business_licence_number=credit_code()
    )
    product = listed_product(shop, owner, rural, name="南果梨", price="12.00", quantity=20)
    shipping_method_enable(shop, actor=owner, kind="county")
    shipping_method_enable(shop, actor=owner, kind="carrier")
    return {"owner": owner, "shop": shop, "variant": product.variants.get(), "product": product}


@pytest.fixture
def offer(coop):
    made = supply_offer_create(actor=coop["owner"], shop=coop["shop"], variant=coop["variant"], data=dict(OFFER_TERMS))
    return supply_offer_open(made, actor=coop["owner"])


@pytest.fixture
def distributor(make_user):
    """A home maker's distributor shop (onboarded through the shop flow, kind distributor)."""
    owner = make_user(Role.BUYER)
    shop = open_shop(owner, name="秀英的小店", kind="distributor")
    return {"owner": owner, "shop": shop}


@pytest.fixture
def pick(offer, distributor):
    return distribution_pick(actor=distributor["owner"], shop=distributor["shop"], offer=offer, retail_price="13.80")


def resale_orders(buyer, channel, reseller, lines, *, gateway=OFFLINE, action="CHARGE", key="pay-resale"):
    """Lines bought through ``reseller`` (a distributor's shop): village delivery, paid, placed."""
    checkout = checkout_create(channel=channel, user=buyer, lines=lines, reseller=reseller)
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    for shop in {variant.product.shop for variant, _ in lines}:
        checkout_delivery_method_update(checkout, shipping_method=shop.shipping_methods.get(kind="county"))
    transaction_initialize(
        checkout_token=checkout.pk, gateway_id=gateway, action=action, idempotency_key=key, user=buyer
    )
    return checkout_complete(checkout.pk, user=buyer).orders


def money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


@pytest.fixture
def inviter(make_user):
    """Another home maker's distributor shop, with the shop link she shares as an invitation."""
    owner = make_user(Role.BUYER)
    shop = open_shop(owner, name="桂兰的小店", kind="distributor")
    return {"owner": owner, "shop": shop, "link": referral_link_create(actor=owner, shop=shop)}


def invite(inviter_link, invitee: dict):
    """Record that ``invitee``'s distributor shop was opened through ``inviter_link``."""
    return distributor_inviter_record(actor=invitee["owner"], invitee_shop=invitee["shop"], code=inviter_link.code)
