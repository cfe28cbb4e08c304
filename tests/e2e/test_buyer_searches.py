"""Issue 17: a rural buyer searches on a phone, in Chinese and English: types a dialect word (苞米) or
initials (ngl) into the shop's search box, picks a suggestion, then narrows the results by a facet."""

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import member
from tests.marketplace.factories import catalogue_basics, channels, open_shop
from tests.support.search_catalogue import seed_search_catalogue


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_buyer_types_dialect_and_initials_picks_a_suggestion_and_filters(page, screenshot):
    rural = channels()[1]
    owner = member("13900139171")
    seed_search_catalogue(open_shop(owner), owner, rural, catalogue_basics()["produce"])

    page.goto("/shop/?channel=rural")
    box = page.get_by_role("combobox", name="搜索商品")
    box.press_sequentially("苞米", delay=60)
    suggestions = page.get_by_role("listbox")
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("option").first).to_contain_text("玉米")
    screenshot(page, "search-suggest-baomi-zh")
    suggestions.get_by_role("option", name="黏玉米 真空包装 10穗").click()
    page.wait_for_url("**/shop/search/?*q=*")
    expect(page.locator(".product-card__name").first).to_contain_text("玉米")

    # The faceted results page: the same words, then a price facet.
    page.goto("/shop/search/?channel=rural&q=苞米")
    expect(page.get_by_role("status")).to_contain_text("件商品")
    before = page.locator(".product-card__name").count()
    page.get_by_text("筛选", exact=True).click()
    page.locator(".facet-group").nth(1).get_by_role("link").nth(1).click()
    page.wait_for_url("**price=*")
    after = page.locator(".product-card__name").count()
    assert 0 < after <= before
    screenshot(page, "search-facet-price-zh")

    # English, initials: ngl finds 南果梨.
    page.get_by_role("button", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.goto("/shop/search/?channel=rural")
    box = page.get_by_role("combobox", name="Search products")
    box.press_sequentially("ngl", delay=60)
    option = page.get_by_role("listbox").get_by_role("option").first
    expect(option).to_contain_text("南果梨")
    screenshot(page, "search-suggest-ngl-en")
    option.click()
    page.wait_for_url("**q=*")
    expect(page.get_by_role("status")).to_contain_text("for “南果梨")
    page.get_by_text("Filter", exact=True).click()
    expect(page.get_by_role("heading", name="Category")).to_be_visible()

    page.goto("/shop/search/?channel=rural&q=榴莲")
    expect(page.get_by_role("heading", name="Nothing found for “榴莲”")).to_be_visible()
    assert page.external_requests == []
