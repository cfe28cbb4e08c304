"""A home maker's commission on the phone (390x844), in Chinese and in English: a buyer orders pears
through her shop, the commission shows pending; the cooperative ships, the buyer receives, the
after-sales window closes: earned; the week's payout batch pays it: paid; a refund claws it back."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incubator.commission.services.lines import commission_earn_due
from marketplace.orders.services.lifecycle import order_refund
from marketplace.settlement.services.payouts import payout_batch_create
from tests.e2e.steps import log_in_as
from tests.support.commission import after_window, delivered, fresh
from tests.support.distribution import resale_orders


def status_of(page, order):
    return page.locator(f".order-card:has-text('{order.number}') .state")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_commission_pending_earned_paid_then_clawed_back(
    page, screenshot, buyer, rural, coop, distributor, pick, rules
):
    [order] = resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 3)])
    log_in_as(page, distributor["owner"])
    page.goto("/distributor/earnings/")
    expect(page.get_by_role("heading", name="佣金收益")).to_be_visible()
    expect(page.locator("[data-commission=pending]")).to_contain_text("4.14")
    expect(status_of(page, order)).to_have_text("待结算")
    expect(page.locator("svg.chart")).to_be_visible()
    screenshot(page, "pending")

    order = delivered(order, coop["owner"], buyer)
    commission_earn_due(after_window(order))
    page.reload()
    expect(status_of(page, order)).to_have_text("已到账")
    expect(page.locator("[data-commission=earned]")).to_contain_text("4.14")

    payout_batch_create(timezone.localdate())
    page.reload()
    expect(status_of(page, order)).to_have_text("已打款")
    expect(page.locator("[data-commission=paid]")).to_contain_text("4.14")
    screenshot(page, "paid")

    page.locator(".lang-switch").get_by_role("button", name="English").click()
    page.goto("/distributor/earnings/")
    expect(page.get_by_role("heading", name="Commission earnings")).to_be_visible()
    expect(status_of(page, order)).to_have_text("Paid")

    order_refund(fresh(order), fresh(order).charged_amount, actor=coop["owner"], reason="退货")
    page.reload()
    expect(status_of(page, order)).to_have_text("Clawed back")
    expect(page.locator("[data-commission=earned]")).to_contain_text("-")
    expect(page.locator("[data-commission=clawed_back]")).to_contain_text("4.14")
    screenshot(page, "clawed-back-en")
    page.locator(".lang-switch").get_by_role("button", name="中文").click()
    page.goto("/distributor/earnings/")
    expect(status_of(page, order)).to_have_text("已追回")
    assert page.viewport_size == {"width": 390, "height": 844}
    assert not page.external_requests
