"""Incubator staff on a phone (390x844), in Chinese then English, walk the console's panels: a
distributor's commission beside its sales this week, the cooperative's pear offer awaiting review
(a refusal without a reason is refused; approved, it leaves the list), the commission rules with a
link to the full audit trail."""

import pytest
from playwright.sync_api import expect

from incubator.supply.models import SupplyOffer
from meidu.accounts.roles import Role
from tests.e2e.steps import log_in, member
from tests.support.distribution import resale_orders


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_review_an_offer_and_read_commission_on_a_phone(
    page, screenshot, buyer, rural, coop, offer, distributor, pick, rules
):
    resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 3)])
    staff = member("13700137017", Role.OPERATOR)
    log_in(page, staff.phone)
    page.get_by_role("navigation").get_by_role("link", name="孵化基地工作台").click()
    page.wait_for_url("**/incubator/")
    card = page.locator(f"[data-distributor='{distributor['shop'].pk}']")
    expect(card.locator("tbody tr").first.locator("[data-commission=pending]")).to_have_text("¥4.14")
    expect(card.locator("tbody tr").first.locator("[data-sales]")).not_to_have_text("¥0.00")
    screenshot(page, "console-commission")

    review = page.locator(f"[data-offer='{offer.pk}']")
    expect(review).to_contain_text("南果梨")
    review.get_by_role("button", name="拒绝").click()  # the browser asks for the reason first
    assert SupplyOffer.objects.get(pk=offer.pk).state == "open"
    screenshot(page, "offer-awaiting-review")
    review.get_by_role("button", name="通过").click()
    expect(page.locator(".messages")).to_contain_text("供货已通过")
    expect(page.locator(f"[data-offer='{offer.pk}']")).to_have_count(0)
    expect(page.locator("#offers-awaiting-review")).to_contain_text("没有待审核的供货")

    rules_panel = page.locator("#commission-rules")
    expect(rules_panel.locator("[data-rule=levels]")).to_have_text("1")
    screenshot(page, "commission-rules")

    page.get_by_role("button", name="English").click()
    expect(page.locator("#distributor-commission-heading")).to_have_text("Distributors: sales and commission by week")
    expect(page.locator("#offers-review-heading")).to_have_text("Offers awaiting review")
    screenshot(page, "console-en")
    rules_panel.get_by_role("link", name="Change the rules and see the full audit trail").click()
    page.wait_for_url("**/operator/commission/")
    expect(page.locator("#trail-heading")).to_have_text("Audit trail")
    assert page.viewport_size == {"width": 390, "height": 844}
    assert not page.external_requests
