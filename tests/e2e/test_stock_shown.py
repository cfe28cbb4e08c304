"""Issue 12: the product page shows what a buyer can put in a cart, the API's quantityAvailable:
stock less other buyers' live reservations, in Chinese and English, on a phone."""

import pytest
from django.urls import reverse
from graphql_relay import to_global_id
from playwright.sync_api import expect

from marketplace.checkout.services import checkout_create
from tests.e2e.steps import member
from tests.marketplace.checkout.factories import county_and_zones, farmer_with_pears
from tests.marketplace.factories import channels
from tests.support.graphql import GraphQLClient


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_product_page_shows_the_units_left_after_reservations(page, screenshot, settings):
    settings.CHECKOUT_RESERVATION_MINUTES = 20
    county_and_zones()
    _retail, rural = channels()
    _farm, pears = farmer_with_pears(member("13900139011"), rural)  # 20 in stock
    checkout_create(channel=rural, user=member("13900139012"), lines=[(pears, 19)])  # another buyer holds 19
    api = GraphQLClient().execute(
        'query($id: ID!) { productVariant(id: $id, channel: "rural") { quantityAvailable } }',
        {"id": to_global_id("ProductVariant", pears.pk)},
    )
    assert api["productVariant"]["quantityAvailable"] == 1

    page.goto(reverse("shop:product", args=[pears.product.slug]) + "?channel=rural")
    expect(page.locator(".stock")).to_have_text("可购数量：1")
    screenshot(page, "stock-zh")
    page.get_by_role("button", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    expect(page.locator(".stock")).to_have_text("Available: 1")

    checkout_create(channel=rural, user=member("13900139013"), lines=[(pears, 1)])
    page.reload()
    expect(page.locator(".stock")).to_have_text("Sold out for now")
    screenshot(page, "stock-sold-out-en")
    page.get_by_role("button", name="中文").click()
    page.wait_for_function("document.documentElement.lang === 'zh-Hans'")
    expect(page.locator(".stock")).to_have_text("暂时售罄")
