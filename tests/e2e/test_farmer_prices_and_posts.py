"""On a phone (390x844): a farmer checks today's pear price and its trend, sets an alert and posts a supply
(in Chinese); a buyer, reading in English, posts a demand that matches it, asks for the phone; the farmer
accepts and the buyer then sees the number."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incubator.posts.models import PostMatch, SupplyDemandPost
from incubator.prices.models import Market, PriceAlert, ProduceAlias, ProduceItem
from logistics.geography.models import Village
from logistics.geography.services import geography_load_county
from meidu.accounts.roles import Role
from tests.e2e.steps import log_in, member
from tests.incubator.farm_world import history


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_farmer_checks_prices_posts_a_supply_and_a_buyer_gets_the_phone(page, screenshot):
    geography_load_county()
    pear = ProduceItem.objects.create(code="nanguo-pear", name="南果梨", name_en="Nanguo pears", unit="jin")
    ProduceAlias.objects.create(item=pear, alias="梨")
    wholesale = Market.objects.create(code="wholesale", name="大石桥农产品批发市场", kind="wholesale")
    town = Market.objects.create(code="zhoujia", name="周家镇大集", kind="town", position=1)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    history(pear, wholesale, [2.0 + (i % 30) / 50 for i in range(120)], until=tomorrow)
    history(pear, town, [2.1 + (i % 30) / 50 for i in range(120)], until=tomorrow)
    village = Village.objects.select_related("town").order_by("code")[3]
    farmer = member("13904170011", Role.BUYER)
    farmer.last_name, farmer.first_name = "李", "建国"
    farmer.save(update_fields=["last_name", "first_name"])
    buyer = member("13904170022", Role.BUYER)

    # The farmer looks up today's pear price on the board and its trend over a year.
    log_in(page, farmer.phone)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="农产品价格").click()
    page.wait_for_url("**/farm/")
    card = page.locator(".board-item", has_text="南果梨")
    expect(card).to_contain_text("元/斤")
    expect(card.locator(".price").first).to_have_text("2.58")
    screenshot(page, "board")
    card.get_by_role("link", name="南果梨").click()
    page.get_by_role("link", name="365天").click()
    expect(page.locator("svg.trend-chart polyline")).to_have_count(2)
    screenshot(page, "trend-365")

    # An alert: tell me when pears pass 3 元/斤.
    page.get_by_role("link", name="设置价格提醒").click()
    page.get_by_label("价格", exact=True).fill("3")
    page.get_by_role("button", name="设置提醒").click()
    expect(page.locator(".messages")).to_contain_text("提醒已设置")
    assert PriceAlert.objects.get(user=farmer).threshold == 3

    # A supply post: 2 tonnes of pears from the farmer's village.
    page.goto("/farm/posts/new/")
    page.get_by_label("农产品").fill("梨")
    page.get_by_label("数量", exact=True).fill("2")
    page.get_by_label("数量单位").select_option("tonne")
    page.get_by_label("期望价格").fill("2.6")
    page.get_by_label("价格单位").select_option("jin")
    page.get_by_label("村").select_option(str(village.pk))
    page.get_by_role("button", name="发布").click()
    expect(page.locator(".messages")).to_contain_text("信息已发布")
    supply = SupplyDemandPost.objects.get(poster=farmer)
    assert supply.item == pear and supply.quantity_base == 4000
    screenshot(page, "supply-posted")

    # The buyer reads in English, posts a demand that matches, and asks for the phone.
    page.context.clear_cookies()
    log_in(page, buyer.phone)
    page.get_by_role("button", name="English").click()
    page.goto("/farm/posts/new/")
    page.get_by_label("I want to").select_option("demand")
    page.get_by_label("Produce").fill("南果梨")
    page.get_by_label("Quantity", exact=True).fill("3000")
    page.get_by_label("Quantity unit").select_option("jin")
    page.get_by_label("Price wish").fill("2.8")
    page.get_by_label("Price unit").select_option("jin")
    page.get_by_label("Village").select_option(str(Village.objects.order_by("code")[5].pk))
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("It found 1 match")
    assert PostMatch.objects.filter(supply=supply).count() == 1
    matched = page.locator(".post-card").first
    expect(matched).to_contain_text("km")
    matched.get_by_role("link").click()
    expect(page.locator(".phone")).to_contain_text("****")
    page.get_by_role("button", name="Ask for the phone number").click()
    expect(page.locator(".messages")).to_contain_text("once the poster accepts")
    screenshot(page, "buyer-asked")
    post_url = page.url

    # The farmer is told, accepts, and the buyer sees the phone.
    page.context.clear_cookies()
    log_in(page, farmer.phone)
    page.goto("/farm/notices/")
    expect(page.locator(".notices")).to_contain_text("有人想就您发布的南果梨信息联系您")
    page.goto("/farm/posts/mine/")
    page.get_by_role("button", name="告诉对方电话").click()
    expect(page.locator(".messages")).to_contain_text("已同意")
    page.context.clear_cookies()
    log_in(page, buyer.phone)
    page.goto(post_url)
    expect(page.locator(".phone")).to_have_text(farmer.phone)
    screenshot(page, "phone-shown")
    assert page.external_requests == []
