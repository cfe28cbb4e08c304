"""The distributor centre and the supplier's offers pages (issue 16): each page renders for its shop's
members in a fixed number of queries; another distributor's shop is a 404 and nothing is written; a
hostile price typed into a page is refused with the service's message, nothing written."""

from decimal import Decimal

import pytest
from django.test import Client

from incubator.distribution.models import DistributionPick, DistributionPickEvent
from incubator.supply.models import SupplyOffer
from meidu.accounts.roles import Role
from tests.marketplace.factories import open_shop
from tests.support.distribution import resale_orders


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "path",
    ["/distributor/", "/distributor/pool/", "/distributor/picks/", "/distributor/links/", "/distributor/orders/"],
)
def test_centre_pages_render_for_the_distributor(
    distributor, pick, buyer, rural, coop, path, django_assert_max_num_queries
):
    resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 1)])
    client = login(distributor["owner"])
    with django_assert_max_num_queries(25):
        response = client.get(path)
    assert response.status_code == 200
    assert distributor["shop"].name in response.content.decode()


def test_another_distributors_shop_is_not_found_and_nothing_is_written(distributor, pick, make_user):
    rival = make_user(Role.BUYER)
    open_shop(rival, name="别家小店", kind="distributor")
    client = login(rival)
    slug = distributor["shop"].slug
    for path in ["/distributor/orders/", "/distributor/picks/", "/distributor/links/"]:
        assert client.get(path, {"shop": slug}).status_code == 404
    events = DistributionPickEvent.objects.count()
    assert (
        client.post(f"/distributor/picks/{pick.pk}/price/", {"shop": slug, "retail_price": "15.00"}).status_code == 404
    )
    assert client.post(f"/distributor/picks/{pick.pk}/unpick/", {"retail_price": "15.00"}).status_code == 404
    pick.refresh_from_db()
    assert pick.retail_price == Decimal("13.80") and pick.state == "live"
    assert DistributionPickEvent.objects.count() == events


@pytest.mark.parametrize("price", ["NaN", "Infinity", "1e30", "-13", "9.99", "13.001"])
def test_hostile_prices_typed_into_the_page_are_refused(distributor, pick, price):
    client = login(distributor["owner"])
    response = client.post(f"/distributor/picks/{pick.pk}/price/", {"retail_price": price}, follow=True)
    assert response.status_code == 200
    assert response.context["messages"] and list(response.context["messages"])[0].level_tag == "error"
    pick.refresh_from_db()
    assert pick.retail_price == Decimal("13.80")


def test_a_new_user_without_a_distributor_shop_is_invited_to_open_one(make_user):
    response = login(make_user(Role.BUYER)).get("/distributor/")
    assert response.status_code == 200 and "/seller/open/?kind=distributor" in response.content.decode()


def test_the_supplier_creates_and_pauses_an_offer_and_sees_its_distributors(
    coop, offer, pick, distributor, buyer, rural
):
    resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 2)])
    client = login(coop["owner"])
    page = client.get("/seller/offers/")
    html = page.content.decode()
    assert page.status_code == 200 and distributor["shop"].name in html and "27.60" in html
    assert "commission_amount" not in html
    client.post(f"/seller/offers/{offer.pk}/pause/")
    assert SupplyOffer.objects.get(pk=offer.pk).state == "paused"
    bad = client.post(
        f"/seller/offers/{offer.pk}/edit/",
        {
            "supply_price": "NaN",
            "min_retail_price": "10",
            "suggested_retail_price": "12",
            "max_retail_price": "16",
            "commission_kind": "rate",
            "commission_value": "0.1",
        },
    )
    assert bad.status_code == 200 and SupplyOffer.objects.get(pk=offer.pk).supply_price == Decimal("8.00")
    assert DistributionPick.objects.get(pk=pick.pk).state == "live"


def test_the_distributor_storefront_shows_its_live_picks_with_its_price(distributor, pick, offer, coop):
    html = Client().get(f"/shop/s/{distributor['shop'].slug}/").content.decode()
    assert "南果梨" in html and "13.80" in html and f'name="reseller" value="{distributor["shop"].slug}"' in html
