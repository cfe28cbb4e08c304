"""Issue 12 on the phone (390x844, Chinese): what each role meets on the way."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from meidu.accounts.roles import Role
from tests.e2e.steps import log_in, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@override_settings(DEBUG=True)  # as in `meidu demo`, where the agent met Django's debug page
def test_station_agent_opening_the_run_sheet_gets_the_sites_refusal_page(page, screenshot):
    member("13900139005", Role.STATION_AGENT)
    log_in(page, "13900139005")
    response = page.goto("/station/runs/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("此页面不属于您的角色")
    expect(page.get_by_role("link", name="返回我的首页")).to_be_visible()
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()
    screenshot(page, "refused")
    page.get_by_role("link", name="返回我的首页").click()
    page.wait_for_url("**/home/")
