"""Seller centre pages: only members act, the light-track form, review submission, products, stock."""

import io
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from logistics.geography.models import Village
from marketplace.catalog.models import Product, ProductMedia, ProductVariantChannelListing
from marketplace.inventory.models import Stock, StockMovement, Warehouse
from marketplace.inventory.services import stock_update
from marketplace.shops.models import Shop, ShopStatus, ShopTrack
from marketplace.shops.services import shop_transition
from meidu.accounts.models import User
from meidu.accounts.roles import Role
from meidu.accounts.selectors import user_role_names
from tests.marketplace.factories import catalogue_basics, channels, listed_product, open_shop, valid_id_number

pytestmark = pytest.mark.django_db


def jpeg(name="pear.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (214, 190, 70)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def roles_of(user) -> list[str]:
    return user_role_names(User.objects.get(pk=user.pk))  # a fresh object: role names are memoised


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def market(db):
    retail, rural = channels()
    return {"retail": retail, "rural": rural, **catalogue_basics()}


@pytest.fixture
def farmer(make_user):
    return make_user(Role.BUYER)


@pytest.fixture
def applied_shop(farmer, market):
    """Terms accepted and delivery offered, but no product yet: the checklist is not complete."""
    return open_shop(farmer, name="老李家果园", active=False)


@pytest.fixture
def farmer_client(client, farmer):
    client.force_login(farmer)
    return client


def test_seller_pages_need_a_login(client):
    response = client.get("/seller/")
    assert response.status_code == 302
    assert response.url == f"{reverse('shell:login')}?next=/seller/"


def test_a_user_without_a_shop_is_sent_to_open_one(farmer_client):
    assert farmer_client.get("/seller/").url == reverse("seller:open")
    assert farmer_client.get("/seller/stock/").url == reverse("seller:open")


def test_other_users_get_404_everywhere(client, applied_shop, farmer, market, make_user):
    product = listed_product(applied_shop, farmer, market["rural"])
    rival = make_user(Role.BUYER)
    open_shop(rival, name="隔壁果园", active=False)
    client.force_login(rival)
    shop = {"shop": applied_shop.slug}

    assert client.get("/seller/", shop).status_code == 404
    assert client.get("/seller/products/", shop).status_code == 404
    assert client.get("/seller/stock/", shop).status_code == 404
    assert client.get(f"/seller/products/{product.pk}/edit/").status_code == 404
    assert client.post(f"/seller/products/{product.pk}/edit/", {"name": "偷改"}).status_code == 404
    assert client.post("/seller/holiday/", {**shop, "on": "1"}).status_code == 404
    assert client.post("/seller/submit/", shop).status_code == 404
    applied_shop.refresh_from_db()
    assert not applied_shop.holiday_mode and applied_shop.status == ShopStatus.APPLIED
    # Their own dashboard still works.
    assert "隔壁果园" in html_of(client.get("/seller/"))


def open_form(village, **changes) -> dict:
    data = {
        "name": "老王家玉米",
        "kind": "microshop",
        "real_name": "王德福",
        "id_number": valid_id_number(7),
        "payout_account_name": "王德福",
        "payout_account_number": "6228 4800 1234 5678",
        "payout_bank": "农村信用社",
        "village": village.pk,
        "offers_delivery": "on",
        "accept_terms": "on",
    }
    return {**data, **changes}


def test_open_form_preselects_microshop_and_lists_villages_by_town(farmer_client, county):
    html = html_of(farmer_client.get("/seller/open/"))
    assert '<option value="microshop" selected>微店</option>' in html
    assert '<optgroup label="周家镇">' in html
    assert "身份证号码" in html


def test_open_shop_refuses_a_bad_id_number_and_creates_nothing(farmer_client, farmer, county):
    village = Village.objects.first()
    response = farmer_client.post("/seller/open/", open_form(village, id_number="210804198001010000"))
    assert response.status_code == 200
    assert "请填写居民身份证上的 18 位号码，最后一位可能是 X。" in html_of(response)
    assert Shop.objects.count() == 0
    assert Role.SELLER.value not in roles_of(farmer)


def test_open_shop_on_the_light_track(farmer_client, farmer, county):
    village = Village.objects.first()
    response = farmer_client.post("/seller/open/", open_form(village))
    shop = Shop.objects.get()
    assert response.status_code == 302
    assert response.url == f"/seller/?{urlencode({'shop': shop.slug})}"
    assert (shop.track, shop.kind, shop.village, shop.offers_delivery) == (
        ShopTrack.FARMER_LIGHT,
        "microshop",
        village,
        True,
    )
    assert shop.id_number_last4 == valid_id_number(7)[-4:]
    assert Role.SELLER.value in roles_of(farmer)
    dashboard = html_of(farmer_client.get(response.url))
    assert "店铺已创建" in dashboard and "待提交审核" in dashboard


def test_open_shop_needs_a_mobile_number(client, make_user, county):
    by_email = make_user(Role.BUYER, email="pear@example.com")
    client.force_login(by_email)
    response = client.post("/seller/open/", open_form(Village.objects.first()))
    assert "开店需要账号绑定手机号" in html_of(response)
    assert Shop.objects.count() == 0


def test_dashboard_shows_the_checklist_with_links_to_fix(farmer_client, applied_shop):
    html = html_of(farmer_client.get("/seller/"))
    assert "开店清单" in html
    assert "至少添加一件商品" in html
    assert f'{reverse("seller:product_new")}?shop=' in html
    assert "提交审核" in html


def test_submit_is_refused_while_the_checklist_is_incomplete(farmer_client, applied_shop):
    response = farmer_client.post("/seller/submit/", {"shop": applied_shop.slug}, follow=True)
    assert "请先完成开店清单上的所有事项，再提交审核。" in html_of(response)
    applied_shop.refresh_from_db()
    assert applied_shop.status == ShopStatus.APPLIED


def test_submit_then_rejection_reason_then_notice(farmer_client, farmer, applied_shop, market, operator):
    listed_product(applied_shop, farmer, market["rural"])
    response = farmer_client.post("/seller/submit/", {"shop": applied_shop.slug}, follow=True)
    assert "已提交审核" in html_of(response)
    applied_shop.refresh_from_db()
    assert applied_shop.status == ShopStatus.IN_REVIEW

    shop_transition(applied_shop, "reject", actor=operator, note="请补拍一张清楚的商品照片")
    html = html_of(farmer_client.get("/seller/"))
    assert "未通过审核" in html and "请补拍一张清楚的商品照片" in html
    assert "重新提交审核" in html


def test_low_stock_notice_in_chinese(farmer_client, farmer, applied_shop, market):
    product = listed_product(applied_shop, farmer, market["rural"], name="南果梨", quantity=20)
    stock_update(applied_shop.warehouses.get(), product.variants.get(), actor=farmer, quantity=2)
    html = html_of(farmer_client.get("/seller/"))
    assert "库存不足" in html
    assert "南果梨 5斤装：自家仓 只剩 2 件" in html


def test_holiday_mode_toggles(farmer_client, applied_shop):
    farmer_client.post("/seller/holiday/", {"shop": applied_shop.slug, "on": "1"})
    applied_shop.refresh_from_db()
    assert applied_shop.holiday_mode
    assert "休店中" in html_of(farmer_client.get("/seller/"))
    farmer_client.post("/seller/holiday/", {"shop": applied_shop.slug, "on": "0"})
    applied_shop.refresh_from_db()
    assert not applied_shop.holiday_mode


def product_form(market, **changes) -> dict:
    data = {
        "name": "南果梨",
        "product_type": market["produce"].pk,
        "category": market["pears"].pk,
        "description": "树上熟透才摘",
        "price": "6.80",
        "weight_unit": "jin",
        "sku": "",
        "publish": "on",
    }
    return {**data, **changes}


def test_product_create_with_a_photo(farmer_client, applied_shop, market, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = f"/seller/products/new/?shop={applied_shop.slug}"
    form = html_of(farmer_client.get(url))
    assert 'accept="image/*"' in form and 'capture="environment"' in form and 'enctype="multipart/form-data"' in form

    response = farmer_client.post(url, {**product_form(market), "photo": jpeg()})
    assert response.status_code == 302
    product = Product.objects.get(shop=applied_shop)
    variant = product.variants.get()
    assert variant.sku == f"S{applied_shop.pk}-P{product.pk}"
    price = ProductVariantChannelListing.objects.get(variant=variant, channel=market["rural"])
    assert str(price.price_amount) == "6.80"
    assert product.channel_listings.get(channel=market["rural"]).is_published
    media = ProductMedia.objects.get(product=product)
    assert (tmp_path / media.renditions["thumbnail"]).exists()

    listing = html_of(farmer_client.get(response.url))
    assert "南果梨" in listing and "¥6.80/斤" in listing and "已上架" in listing


def test_product_create_refuses_a_file_that_is_not_a_photo(farmer_client, applied_shop, market, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    not_a_photo = SimpleUploadedFile("notes.jpg", b"just some text", content_type="image/jpeg")
    response = farmer_client.post(
        f"/seller/products/new/?shop={applied_shop.slug}", {**product_form(market), "photo": not_a_photo}
    )
    assert response.status_code == 200
    assert "这个文件不是照片" in html_of(response)
    assert not Product.objects.filter(shop=applied_shop).exists()  # all or nothing


def test_product_edit_changes_price_unit_and_unpublishes(farmer_client, farmer, applied_shop, market):
    product = listed_product(applied_shop, farmer, market["rural"], name="笨猪肉", price="30.00")
    url = f"/seller/products/{product.pk}/edit/"
    assert 'value="30.00"' in html_of(farmer_client.get(url))

    data = product_form(market, name="笨猪肉（后腿）", price="36.50", weight_unit="kg", sku="PORK-1")
    del data["publish"], data["product_type"]
    assert farmer_client.post(url, data).status_code == 302
    product.refresh_from_db()
    variant = product.variants.get()
    assert (product.name, product.weight_unit, variant.sku) == ("笨猪肉（后腿）", "kg", "PORK-1")
    assert str(variant.channel_listings.get().price_amount) == "36.50"
    assert not product.channel_listings.get(channel=market["rural"]).is_published


def test_stock_update_is_journalled(farmer_client, farmer, applied_shop, market):
    product = listed_product(applied_shop, farmer, market["rural"], quantity=20)
    variant, warehouse = product.variants.get(), applied_shop.warehouses.get()
    field = f"q_{variant.pk}_{warehouse.pk}"
    assert f'name="{field}" value="20"' in html_of(farmer_client.get("/seller/stock/"))

    response = farmer_client.post("/seller/stock/", {"shop": applied_shop.slug, field: "35"}, follow=True)
    assert "已保存 1 条库存。" in html_of(response)
    stock = Stock.objects.get(variant=variant, warehouse=warehouse)
    assert stock.quantity == 35
    movement = StockMovement.objects.filter(stock=stock).latest("id")
    assert (movement.quantity_delta, movement.actor) == (15, farmer)

    response = farmer_client.post("/seller/stock/", {"shop": applied_shop.slug, field: "-3"})
    assert response.status_code == 200 and "error-text" in html_of(response)
    assert Stock.objects.get(pk=stock.pk).quantity == 35


def test_a_shop_without_warehouse_creates_a_pickup_point(farmer_client, farmer, market):
    shop = open_shop(farmer, name="新开的店", active=False)
    html = html_of(farmer_client.get("/seller/stock/", {"shop": shop.slug}))
    assert "您的货放在哪里？" in html
    response = farmer_client.post(
        "/seller/stock/warehouse/", {"shop": shop.slug, "name": "自家仓", "is_pickup_point": "on"}
    )
    assert response.status_code == 302
    warehouse = Warehouse.objects.get(shop=shop)
    assert (warehouse.kind, warehouse.is_pickup_point) == ("home", True)


def test_terms_and_delivery_accepted_later_in_the_settings(farmer_client, county):
    data = open_form(Village.objects.first())
    del data["accept_terms"], data["offers_delivery"]
    farmer_client.post("/seller/open/", data)
    shop = Shop.objects.get()
    assert shop.terms_accepted_at is None
    html = html_of(farmer_client.get("/seller/"))
    assert "阅读并同意商家协议" in html and "开通送货，或在库存页面添加自提点" in html

    farmer_client.post(
        "/seller/settings/",
        {"shop": shop.slug, "offers_delivery": "on", "accept_terms": "on", "description": "自家种的"},
    )
    shop.refresh_from_db()
    assert shop.terms_accepted_at is not None and shop.offers_delivery and shop.description == "自家种的"
