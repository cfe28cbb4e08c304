"""A young villager, on a phone, enrols in an e-commerce course, completes its lessons, downloads the
certificate, verifies it by its QR code's URL and goes on to open a shop; incubator staff then see
the trainee in the funnel. Walked in Chinese, then the same pages in English."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from incubator.training.certificate_pdf import verification_url
from incubator.training.models import Certificate
from logistics.geography.models import Village
from logistics.geography.services import geography_load_county
from marketplace.catalog import services as catalog
from marketplace.shops.models import Shop
from marketplace.shops.services import shop_transition
from meidu.accounts.roles import Role
from tests.e2e.steps import log_in, member
from tests.incubator.training.courses import make_course
from tests.marketplace.factories import catalogue_basics, channels, valid_id_number


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_villager_trains_verifies_and_opens_a_shop(page, screenshot, settings, live_server):
    settings.PUBLIC_URL = live_server.url  # the QR code points at this server
    geography_load_county()
    channels()
    basics = catalogue_basics()
    village = Village.objects.order_by("code").first()
    course = make_course(2, title="电商入门")
    villager = member("13900139016")
    villager.last_name, villager.first_name = "赵", "小燕"
    villager.save()
    operator = member("13700137016", Role.OPERATOR)

    log_in(page, villager.phone)
    page.get_by_role("navigation").get_by_role("link", name="课程").click()
    page.wait_for_url("**/learn/")
    expect(page.locator("h1")).to_have_text("电商课程")
    page.get_by_role("link", name=course.title).click()
    page.get_by_role("button", name="报名参加本课程").click()
    expect(page.locator(".messages")).to_contain_text("已报名成功")
    screenshot(page, "enrolled")
    page.get_by_role("link", name="开始第一课").click()
    expect(page.get_by_role("link", name="观看视频")).to_have_attribute("href", "https://video.example.com/v/1")
    page.get_by_role("button", name="标记本课时已完成").click()
    expect(page.locator(".messages")).to_contain_text("已标记本课时完成")
    expect(page.locator("h1")).to_have_text("第2课")
    screenshot(page, "lesson-2")
    page.get_by_role("button", name="标记本课时已完成").click()
    expect(page.locator(".messages")).to_contain_text("恭喜结业")
    expect(page.locator("#open-shop")).to_be_visible()
    screenshot(page, "completed")

    href = page.get_by_role("link", name="下载我的结业证书（PDF）").get_attribute("href")
    pdf = page.request.get(href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")

    certificate = Certificate.objects.get(enrolment__user=villager)
    qr_url = verification_url(certificate)  # what the printed QR code encodes
    assert qr_url.startswith(live_server.url)
    page.goto(qr_url)
    expect(page.locator("#verified")).to_contain_text("本证书真实有效")
    expect(page.locator("#verified")).to_contain_text("赵*燕")
    expect(page.locator("#verified")).not_to_contain_text("赵小燕")
    screenshot(page, "verified")
    page.goto(urlsplit(qr_url).path + f"?number={certificate.number}&code=WRONG222")
    expect(page.locator("#verify-refusal")).to_contain_text("没有与此编号和核验码相符的证书")

    # on to a shop: the call to action opens the existing shop onboarding
    page.goto(f"/learn/{course.slug}/")
    page.locator("#open-shop").get_by_role("link", name="开设你的店铺").click()
    page.wait_for_url("**/seller/open/")
    page.fill("#id_name", "小燕农家店")
    page.select_option("#id_village", str(village.pk))
    page.get_by_label("我可以自己送货").check()
    page.fill("#id_real_name", "赵小燕")
    page.fill("#id_id_number", valid_id_number(16))
    page.fill("#id_payout_account_name", "赵小燕")
    page.fill("#id_payout_account_number", "6228480012345616")
    page.get_by_label("我已阅读并同意美都集市商家协议").check()
    page.get_by_role("button", name="创建店铺").click()
    page.wait_for_url("**/seller/?shop=*")
    screenshot(page, "shop-opened")
    shop = Shop.objects.get(name="小燕农家店")
    catalog.product_create(shop, actor=villager, product_type=basics["produce"], name="小燕家玉米")
    shop_transition(shop_transition(shop, "submit", actor=villager), "approve", actor=operator)

    # the same pages in English
    page.get_by_role("button", name="English").click()
    page.goto(f"/learn/{course.slug}/")
    expect(page.locator("#progress-heading")).to_have_text("Your progress")
    expect(page.locator("#open-shop")).to_contain_text("Keep selling")
    page.goto(qr_url)
    expect(page.locator("#verified")).to_contain_text("This certificate is genuine")
    screenshot(page, "verified-en")
    page.get_by_role("button", name="中文").click()
    page.get_by_role("button", name="退出登录").click()

    # staff see the trainee in the funnel: enrolled, completed, shop opened
    log_in(page, operator.phone)
    page.get_by_role("navigation").get_by_role("link", name="孵化基地工作台").click()
    page.wait_for_url("**/incubator/")
    row = page.locator("#training-funnel .funnel-total").filter(has_text=course.title)
    expect(row.locator("td")).to_have_text([course.title, "1", "1", "1", "0", "0"])
    expect(page.locator("#distributor-commission-heading")).to_have_text("分销商：按周销售额与佣金")
    screenshot(page, "staff-funnel")
    page.get_by_role("button", name="English").click()
    expect(page.locator("#funnel-heading")).to_have_text("Training funnel")
    expect(page.locator("#offers-review-heading")).to_have_text("Offers awaiting review")
    expect(page.locator("#commission-rules-heading")).to_have_text("Commission rules")
    screenshot(page, "staff-funnel-en")
