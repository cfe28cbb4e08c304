"""Browser fixtures: Debian's Chromium driven headless by Playwright's sync API.

Playwright's sync API runs an event loop in this thread, which makes Django refuse
synchronous ORM calls from the test unless async-unsafe calls are allowed.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.e2e.steps import MOBILE

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        reason = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("MEIDU_REQUIRE_BROWSER") == "1":  # set by .ci/run
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page whose browser asks for Chinese, as the county's phones do.

    Requests leaving the live server are recorded in ``page.external_requests`` and
    aborted: every asset must be served by the site itself (no CDN).
    """
    context = browser.new_context(
        viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN", base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.external_requests = []

    def guard(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            page.external_requests.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    yield page
    context.close()


@pytest.fixture
def screenshot(request):
    """screenshot(page, "step") saves tests/e2e/screenshots/<test>-<n>-<step>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    counter = iter(range(1, 100))

    def take(page, step: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
