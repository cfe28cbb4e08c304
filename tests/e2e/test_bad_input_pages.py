"""On a phone, an address carrying a NUL (a search or a product link) shows a clear 400 page in
the reader's language, with a way back to the shop, not a server error (issue 13.4)."""

import pytest

from tests.marketplace.factories import channels


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "address", ["/shop/?q=%E6%A2%A8%00", "/shop/p/%E6%A2%A8%00/"], ids=["search_case", "product_case"]
)
def test_nul_in_an_address_is_a_clear_page_in_chinese_and_english(page, screenshot, address):
    channels()
    response = page.goto(address)
    assert response.status == 400
    assert page.locator("h1").inner_text() == "无法处理此请求"
    assert page.get_by_role("alert").inner_text() == "文本不能包含 NUL 字符。"
    assert page.viewport_size == {"width": 390, "height": 844}
    screenshot(page, "zh")

    page.get_by_role("button", name="English").click()  # the language switch still works here
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator("h1").inner_text() == "This request cannot be used"
    assert page.get_by_role("alert").inner_text() == "The text may not contain a NUL character."
    screenshot(page, "en")

    page.get_by_role("link", name="Back to the shop").click()
    page.wait_for_url("**/shop/")
    assert page.locator("h1, h2").first.is_visible()
    assert page.external_requests == []
