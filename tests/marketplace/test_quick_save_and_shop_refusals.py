from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from marketplace.catalog.models import Product, ProductVariant
from marketplace.catalog.services_seller import product_quick_save
from meidu.core.errors import DomainError
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db


def test_quick_save_creates_a_purchasable_single_variant_product(farmer, farmer_shop, rural, basics):
    product = product_quick_save(
        farmer_shop,
        actor=farmer,
        channel=rural,
        details={"name": "小米"},
        price=Decimal("8.80"),
        publish=True,
        product_type=basics["produce"],
    )
    variant = product.variants.get()
    assert variant.sku == f"S{farmer_shop.pk}-P{product.pk}"
    listing = product.channel_listings.get(channel=rural)
    assert listing.is_published and listing.available_for_purchase_at is not None


def test_quick_save_refused_price_leaves_nothing(farmer, farmer_shop, rural, basics):
    before = (Product.objects.count(), ProductVariant.objects.count())
    with pytest.raises(DomainError) as exc:
        product_quick_save(
            farmer_shop,
            actor=farmer,
            channel=rural,
            details={"name": "小米"},
            price=Decimal("-1"),
            publish=True,
            product_type=basics["produce"],
        )
    assert exc.value.code == "invalid_price"
    assert (Product.objects.count(), ProductVariant.objects.count()) == before


@pytest.mark.parametrize(
    "query",
    [
        'mutation($id: ID!) { shopUpdate(id: $id, input: {description: "x"}) { errors { code } } }',
        "mutation($id: ID!) { shopHolidayModeSet(id: $id, enabled: true) { errors { code } } }",
        "mutation($id: ID!) { shopSubmitForReview(id: $id) { errors { code } } }",
        "mutation($id: ID!) { shopClose(id: $id) { errors { code } } }",
    ],
    ids=["update_case", "holiday_case", "submit_case", "close_case"],
)
def test_members_of_another_shop_cannot_act_for_it(farmer_shop, rival, rival_shop, query):
    content = (
        GraphQLClient(token_for(rival)).post(query, {"id": to_global_id("MarketplaceShop", farmer_shop.pk)}).json()
    )
    assert content["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    farmer_shop.refresh_from_db()
    assert farmer_shop.status == "active" and not farmer_shop.holiday_mode and farmer_shop.description == ""
    assert list(farmer_shop.events.values_list("action", flat=True)) == ["apply", "submit", "approve"]
