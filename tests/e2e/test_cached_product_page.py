"""Issue 20: a product page served from the shared page cache, on a phone in Chinese and English.
The second visit is a cache hit; its forms carry no one's CSRF token, so the language switch and
"Add to cart" fetch the visitor's own (storefront/js/csrf-token.js) and post through Django's CSRF
check; after signing in the buyer's page is their own again and the pears go into the cart."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.steps import PASSWORD, member
from tests.marketplace.checkout.factories import county_and_zones, farmer_with_pears
from tests.marketplace.factories import channels


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_cached_product_page_twice_then_add_to_cart(page, screenshot, settings):
    settings.RESPONSE_CACHE_ENABLED = True  # the live server and the test share one process and its cache
    county_and_zones()
    _retail, rural = channels()
    _farm, pears = farmer_with_pears(member("13900139021"), rural)
    buyer = member("13900139022")
    url = reverse("shop:product", args=[pears.product.slug])

    first = page.goto(url)
    assert first.headers["x-page-cache"] == "miss" and first.headers["cache-control"].startswith("public")
    second = page.goto(url)
    assert second.headers["x-page-cache"] == "hit"
    expect(page.locator("h1")).to_have_text("南果梨")
    expect(page.locator(".stock")).to_have_text("可购数量：20")
    assert page.locator("form.add-to-cart input[name=csrfmiddlewaretoken]").get_attribute("value") == ""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    screenshot(page, "cached-zh")

    # the language switch of a cached page posts with the visitor's own token
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # no eval: the page's CSP refuses it
    expect(page.get_by_role("button", name="Add to cart")).to_be_visible()
    english = page.goto(url)
    assert english.headers["x-page-cache"] == "hit"  # the English copy, cached by the switch's redirect
    expect(page.locator(".stock")).to_have_text("Available: 20")
    screenshot(page, "cached-en")

    # Add to cart from the shared copy: the token is fetched, Django's CSRF check passes, and buying
    # starts with signing in (an anonymous cart does not exist)
    page.get_by_label("Quantity").fill("3")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(re.compile(r"/login/\?next="))
    expect(page.locator("body")).not_to_contain_text("CSRF")
    page.fill("#id_identifier", buyer.phone)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation(url=re.compile(r"/shop/p/")) as back:
        page.get_by_role("button", name="Log in").click()
    own = back.value
    assert own.headers["x-page-cache"] == "bypass" and own.headers["cache-control"] == "private, no-store"
    assert page.locator("form.add-to-cart input[name=csrfmiddlewaretoken]").get_attribute("value")
    page.get_by_label("Quantity").fill("3")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".messages")).to_contain_text("Added “南果梨” to your cart.")
    screenshot(page, "added-en")

    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.goto(reverse("shop:cart"))
    expect(page.locator("main")).to_contain_text("南果梨")
    screenshot(page, "cart-zh")
