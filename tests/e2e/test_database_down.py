"""With the database down a buyer's phone shows a short "try again" page in Chinese with English
(HTTP 503), styled by the site's own stylesheet, and its button reloads the page."""

import pytest

from tests.e2e.steps import MOBILE
from tests.meidu.down_database import ServerWithoutDatabase


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = ServerWithoutDatabase(tmp_path_factory.mktemp("down"))
    running.wait_ready()
    yield running
    running.stop()


@pytest.mark.e2e
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_phone_gets_a_short_try_again_page(browser, server, screenshot, locale):
    context = browser.new_context(viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True, locale=locale)
    page = context.new_page()
    try:
        response = page.goto(server.url + "/shop/")
        assert response.status == 503
        assert page.title() == "请稍后再试 · Please try again"
        page.get_by_role("heading", name="美都集市暂时无法访问").wait_for()
        page.get_by_role("heading", name="Meidu Market is briefly unavailable").wait_for()
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.button')).backgroundColor") != "rgba(0, 0, 0, 0)"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]  # no sideways scrolling
        screenshot(page, f"try-again-{locale}")
        with page.expect_navigation() as reloaded:
            page.get_by_role("link", name="重试").click()
        assert reloaded.value.status == 503 and reloaded.value.url == server.url + "/shop/"
    finally:
        context.close()
