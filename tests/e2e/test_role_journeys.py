"""Issue 12 on the phone (390x844, Chinese): what each role meets on the way."""

import pytest
from django.test import override_settings
from django.utils import timezone
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


def _nav_fits_the_phone(page) -> None:
    """Every navigation link lies inside the 390-pixel-wide screen (none clipped or scrolled away)."""
    links = page.get_by_role("navigation", name="主导航").get_by_role("link")
    assert links.count() >= 8
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (links.nth(index).inner_text(), box)


def test_farmer_sees_every_nav_link_names_a_warehouse_and_resolves_a_complaint(page, screenshot):
    from marketplace.complaints.models import Complaint, ComplaintStatus
    from marketplace.complaints.services import complaint_create
    from marketplace.settlement.models import CommissionRule
    from meidu.accounts.services import user_roles_set
    from tests.marketplace.checkout.factories import county_and_zones, farmer_with_pears
    from tests.marketplace.checkout.helpers import placed_orders
    from tests.marketplace.factories import channels

    county_and_zones()
    _retail, rural = channels()
    farmer = member("13900139002", Role.SELLER)
    shop, pears = farmer_with_pears(farmer, rural)
    user_roles_set(farmer, [Role.SELLER.value, Role.BUYER.value])
    CommissionRule.objects.create(rate_percent="2.00", effective_from=timezone.now() - timezone.timedelta(days=1))
    buyer = member("13800138000", Role.BUYER)
    order = placed_orders(buyer, rural, [(pears, 2)])[0]
    complaint = complaint_create(order, buyer=buyer, category="quality", description="梨有碰伤")

    log_in(page, "13900139002")
    _nav_fits_the_phone(page)
    screenshot(page, "nav")

    page.goto("/seller/stock/")
    page.get_by_text("再添加一个仓库").click()
    expect(page.get_by_label("仓库名称")).to_be_visible()
    expect(page.get_by_label("姓名")).to_have_count(0)

    page.goto(f"/seller/orders/{order.number}/")
    expect(page.locator(".commission")).to_contain_text("佣金 2%（预计）")
    expect(page.get_by_label("退还部分货款")).to_be_visible()  # not folded away
    page.get_by_label("驳回（须说明理由）").check()
    page.get_by_label("备注或理由").fill("碰伤系签收后造成")
    page.get_by_role("button", name="提交处理结果").click()
    expect(page.locator(".messages")).to_contain_text("投诉已处理")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED and complaint.resolution == "rejected"
    assert Complaint.objects.count() == 1
    screenshot(page, "complaint-resolved")


def test_operator_resolves_an_escalated_complaint_from_the_phone(page, screenshot):
    from datetime import timedelta

    from marketplace.complaints.models import ComplaintStatus
    from marketplace.complaints.services import complaint_create, complaint_escalate
    from tests.marketplace.checkout.factories import county_and_zones, farmer_with_pears
    from tests.marketplace.checkout.helpers import placed_orders
    from tests.marketplace.factories import channels

    county_and_zones()
    _retail, rural = channels()
    farmer = member("13900139002", Role.SELLER)
    _shop, pears = farmer_with_pears(farmer, rural)
    buyer = member("13800138000", Role.BUYER)
    order = placed_orders(buyer, rural, [(pears, 2)])[0]
    complaint = complaint_create(order, buyer=buyer, category="late_delivery", description="一周了还没到")
    complaint_escalate(complaint, now=complaint.due_at + timedelta(minutes=1))
    member("13900139010", Role.OPERATOR)

    log_in(page, "13900139010")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="升级投诉").click()
    page.wait_for_url("**/operator/complaints/")
    card = page.locator(f"#complaint-{complaint.pk}")
    expect(card).to_contain_text("一周了还没到")
    card.get_by_label("驳回（须说明理由）").check()
    card.get_by_role("button", name="提交处理结果").click()
    expect(page.locator(".messages")).to_contain_text(f"投诉 {complaint.pk}：")  # a reason is required
    card = page.locator(f"#complaint-{complaint.pk}")
    card.get_by_label("驳回（须说明理由）").check()
    card.get_by_label("备注或理由").fill("物流记录显示已签收")
    card.get_by_role("button", name="提交处理结果").click()
    expect(page.locator(".messages")).to_contain_text(f"投诉 {complaint.pk} 已处理")
    expect(page.locator(".empty")).to_contain_text("暂无升级投诉")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED and complaint.resolved_by_operator
    screenshot(page, "operator-resolved")


def test_buyer_attaches_photos_to_a_complaint_from_the_phone(page, screenshot, settings, tmp_path):
    import io

    from PIL import Image

    from tests.marketplace.checkout.factories import county_and_zones, farmer_with_pears
    from tests.marketplace.checkout.helpers import placed_orders
    from tests.marketplace.factories import channels

    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    county_and_zones()
    _retail, rural = channels()
    _shop, pears = farmer_with_pears(member("13900139002", Role.SELLER), rural)
    buyer = member("13800138000", Role.BUYER)
    order = placed_orders(buyer, rural, [(pears, 2)])[0]

    def photo(colour):
        buffer = io.BytesIO()
        Image.new("RGB", (800, 600), colour).save(buffer, "JPEG")
        return {"name": "pear.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}

    log_in(page, "13800138000")
    page.goto(f"/shop/orders/{order.number}/complaint/")
    page.get_by_label("质量问题").check()
    page.get_by_label("告诉店铺发生了什么").fill("有两个梨烂了")
    page.get_by_label("照片").set_input_files([photo((150, 80, 30)), photo((90, 140, 40))])
    screenshot(page, "complaint-form")
    page.get_by_role("button", name="提交投诉").click()
    expect(page.locator(".messages")).to_contain_text("投诉已登记")
    assert order.complaints.get().photos.count() == 2
