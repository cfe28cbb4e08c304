"""Referral and attribution (issue 16): a buyer who came by a link is bound to that distributor for
REFERRAL_BINDING_DAYS (last click wins), except during the binding's protection period; the binding decides
who an order credits and is recorded on the order; a suspended distributor's link still sells and credits
nobody; a binding past its time never counts."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.test import Client
from django.utils import timezone

from incubator.distribution.models import DistributedLine
from incubator.distribution.services import distribution_pick
from incubator.referrals.models import BuyerBinding, OrderAttribution, ReferralClick, ReferralLink
from incubator.referrals.services import referral_click, referral_link_create
from marketplace.shops.services import shop_transition
from meidu.accounts.roles import Role
from tests.marketplace.factories import open_shop
from tests.support.distribution import resale_orders


@pytest.fixture
def rival(make_user, offer):
    owner = make_user(Role.BUYER)
    shop = open_shop(owner, name="隔壁的分销店", kind="distributor")
    pick = distribution_pick(actor=owner, shop=shop, offer=offer, retail_price="14.00")
    return {"owner": owner, "shop": shop, "pick": pick}


def link_of(distributor, pick=None):
    return referral_link_create(actor=distributor["owner"], shop=distributor["shop"], pick=pick)


def test_last_click_wins_after_the_protection_period(buyer, distributor, pick, rival, settings):
    settings.REFERRAL_BINDING_DAYS, settings.REFERRAL_PROTECTION_DAYS = 7, 2
    now = timezone.now()
    assert referral_click(link_of(distributor), buyer=buyer, now=now) == "bound"
    # another distributor's link during the protection period: the buyer stays
    assert referral_click(link_of(rival, rival["pick"]), buyer=buyer, now=now + timedelta(days=1)) == "protected"
    assert BuyerBinding.objects.get(buyer=buyer).distributor_shop == distributor["shop"]
    # the same distributor again renews the window
    assert referral_click(link_of(distributor), buyer=buyer, now=now + timedelta(days=1)) == "renewed"
    assert BuyerBinding.objects.get(buyer=buyer).expires_at == now + timedelta(days=8)
    # after the protection period the last click wins
    assert referral_click(link_of(rival), buyer=buyer, now=now + timedelta(days=3)) == "bound"
    binding = BuyerBinding.objects.get(buyer=buyer)
    assert binding.distributor_shop == rival["shop"] and binding.protected_until == now + timedelta(days=5)
    assert list(ReferralClick.objects.values_list("outcome", flat=True)) == ["bound", "protected", "renewed", "bound"]


def test_an_expired_binding_is_replaced_and_never_counts(buyer, distributor, pick, rival, rural, coop, settings):
    long_ago = timezone.now() - timedelta(days=30)
    referral_click(link_of(distributor), buyer=buyer, now=long_ago)
    [order] = resale_orders(buyer, rural, rival["shop"], [(coop["variant"], 1)])
    attribution = OrderAttribution.objects.get(order=order)
    assert (attribution.credited_shop, attribution.rule, attribution.bound_shop) == (rival["shop"], "storefront", None)


def test_a_link_buyer_credits_the_distributor_and_the_order_records_it(buyer, distributor, pick, rural, coop):
    link = link_of(distributor, pick)
    referral_click(link, buyer=buyer)
    [order] = resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 2)])
    attribution = OrderAttribution.objects.get(order=order)
    assert (attribution.credited_shop, attribution.rule, attribution.link) == (distributor["shop"], "link", link)
    assert DistributedLine.objects.get(order=order).attributed_shop == distributor["shop"]


def test_a_protected_binding_is_not_poached_by_another_storefront(buyer, distributor, pick, rival, rural, coop):
    referral_click(link_of(distributor), buyer=buyer)
    [order] = resale_orders(buyer, rural, rival["shop"], [(coop["variant"], 1)])
    line = DistributedLine.objects.get(order=order)
    assert line.distributor_shop == rival["shop"]  # sold in the rival's shop at its price ...
    assert line.retail_unit_price == Decimal("14.00")
    assert line.attributed_shop == distributor["shop"]  # ... but the buyer was the distributor's
    assert line.attribution_rule == "protected_binding"


def test_a_suspended_distributors_link_still_sells_and_credits_nobody(buyer, distributor, pick, rural, coop, make_user):
    link = link_of(distributor, pick)
    shop_transition(distributor["shop"], "suspend", actor=make_user(Role.OPERATOR), note="投诉核查")
    client = Client()
    client.force_login(buyer)
    response = client.get(f"/r/{link.code}/")
    assert response.status_code == 302 and f"via={distributor['shop'].slug}" in unquote(response["Location"])
    [order] = resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 1)])
    assert order.reseller_shop == distributor["shop"] and order.total_amount > 0
    line = DistributedLine.objects.get(order=order)
    assert (line.attributed_shop, line.attribution_rule) == (None, "suspended")
    assert OrderAttribution.objects.get(order=order).credited_shop is None


def test_a_distributor_buying_from_its_own_shop_is_marked_self_purchase(distributor, pick, rural, coop):
    [order] = resale_orders(distributor["owner"], rural, distributor["shop"], [(coop["variant"], 1)])
    line = DistributedLine.objects.get(order=order)
    assert line.self_purchase and line.attributed_shop == distributor["shop"]


def test_landing_counts_and_an_anonymous_click_binds_at_the_first_cart_add(buyer, distributor, pick, coop):
    link = link_of(distributor)
    client = Client()
    response = client.get(f"/r/{link.code}/")
    assert response.status_code == 302 and unquote(response["Location"]) == f"/shop/s/{distributor['shop'].slug}/"
    assert ReferralLink.objects.get(pk=link.pk).clicks == 1 and not BuyerBinding.objects.exists()
    client.force_login(buyer)
    added = client.post(
        "/shop/cart/add/", {"variant": coop["variant"].pk, "quantity": 1, "reseller": distributor["shop"].slug}
    )
    assert added.status_code == 302
    assert BuyerBinding.objects.get(buyer=buyer).distributor_shop == distributor["shop"]
    assert ReferralLink.objects.get(pk=link.pk).clicks == 1  # the claim is not a second visit
    assert client.get("/r/nosuchcode/").status_code == 404


def test_the_qr_code_is_a_png(distributor, pick):
    link = link_of(distributor, pick)
    response = Client().get(f"/r/{link.code}/qr.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
