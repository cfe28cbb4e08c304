"""On a phone (390x844) the listing form fits the screen (the receipt dropdown with its long option
text included: nothing scrolls sideways, the submit button can be tapped) and the auction room's lot
table shows every column; in Chinese and in English."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from magnesium_exchange.trading.services import auction_open
from tests.e2e.steps import log_in_as
from tests.magnesium_exchange.trading_factories import REFERENCE

WIDTH = 390


def fits(page, selector: str) -> None:
    """The page does not scroll sideways and every element matched lies inside the screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    for box in page.locator(selector).evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; })"
    ):
        assert box[0] >= 0 and box[1] <= WIDTH, (selector, box)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language,submit,lot_word", [("zh-hans", "挂牌", "标的"), ("en", "List", "Lot")])
def test_the_listing_form_and_the_lot_table_fit_a_phone(
    page, screenshot, market, trader_factory, language, submit, lot_word
):
    seller = market.member("大石桥市南楼富源镁制品有限公司营口分公司")
    for net in ("100.000", "60.000"):
        market.receipt(seller, net)
    now = timezone.now()
    auction = auction_open(
        member=seller,
        grade=market.grade,
        receipts=[market.receipt(seller, "1000.000")],
        reserve_price=Decimal("2900"),
        lot_size="250",
        starts_at=now - timedelta(seconds=1),
        ends_at=now + timedelta(minutes=30),
        reference_price_fallback=REFERENCE,
    )
    user = trader_factory(seller)
    log_in_as(page, user)
    page.goto("/exchange/terminal/listings/new/")
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    screenshot(page, f"listing-form-{language}")
    fits(page, "form.panel--form select, form.panel--form input, form.panel--form button")
    button = page.locator("form.panel--form button[type=submit]")
    expect(button).to_contain_text(submit)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    button.tap()  # a tap lands on it (nothing covers it): the form answers
    expect(page.locator("form.panel--form .error-text").first).to_be_visible()

    page.goto(f"/exchange/terminal/auctions/{auction.pk}/")
    screenshot(page, f"auction-room-{language}")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    lots = page.locator("[data-lot]")
    expect(lots).to_have_count(4)
    fits(page, "[data-lot] td")
    for cell in lots.first.locator("td").all():  # every column shown, each labelled by its heading
        expect(cell).to_be_visible()
    label = lots.first.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content")
    assert lot_word in label
