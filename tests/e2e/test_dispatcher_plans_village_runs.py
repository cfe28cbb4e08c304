"""On a phone (390x844), in Chinese and in English: the hub's dispatcher opens the village runs, plans the
day from the parcels on the county runs, sees each van's stops and route map, and dispatches; the driver
then finds their own run (stops in order, cash to collect) and its printable manifest on the run sheet."""

from datetime import time
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from logistics.geography.models import Village
from logistics.routing.models import Vehicle
from marketplace.orders.services.lifecycle import order_fulfill
from meidu.accounts.models import Address
from meidu.accounts.roles import Role
from tests.e2e.steps import log_in_as
from tests.marketplace.checkout.helpers import placed_orders

WORDS = {
    "zh-hans": {"title": "村级配送线路", "plan": "规划线路", "dispatch": "发车：按此方案出车", "mine": "我今天的线路"},
    "en": {
        "title": "Village runs",
        "plan": "Plan the runs",
        "dispatch": "Dispatch: the vans leave with this plan",
        "mine": "My run today",
    },
}


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_dispatcher_plans_and_driver_follows(page, screenshot, settings, make_user, buyer, rural, pears, language):
    settings.LOGISTICS_ROUTE_SECONDS = 0
    words = WORDS[language]
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)])
    village = Village.objects.select_related("town").order_by("code").first()
    Address.objects.filter(pk=order.shipping_address_id).update(village=village)
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 2, "2.0")], local_delivery=True)
    driver = make_user(Role.DRIVER)
    Vehicle.objects.create(
        code="V1",
        name="东风小货车",
        capacity_kg=Decimal("800"),
        shift_starts=time(7, 30),
        shift_hours=Decimal("9"),
        driver=driver,
    )

    log_in_as(page, make_user(Role.OPERATOR))
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    page.goto(reverse("station:dispatch"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["title"])
    page.get_by_role("button", name=words["plan"]).click()
    run = page.locator("#run-V1")
    expect(run).to_contain_text(village.name)
    expect(run).to_contain_text(order.fulfillments.get().shipment.number)
    expect(run.locator("img.route-map")).to_be_visible()
    page.get_by_role("button", name=words["dispatch"]).click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, f"dispatched-{language}")

    driver_page = page.context.browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=page.url.split("/station")[0],
    ).new_page()
    log_in_as(driver_page, driver)
    if language == "en":
        driver_page.get_by_role("button", name="English").click()
        driver_page.wait_for_load_state()
    driver_page.goto(reverse("station:runs"))
    mine = driver_page.locator(".my-run")
    expect(mine).to_contain_text(words["mine"])
    expect(mine).to_contain_text(village.name)
    expect(mine).to_contain_text(order.fulfillments.get().shipment.number)
    manifest = driver_page.request.get(mine.locator("a").first.get_attribute("href"))
    assert manifest.ok and manifest.body().startswith(b"%PDF")
    assert driver_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(driver_page, f"driver-run-{language}")
    driver_page.context.close()
