"""Buyer pages: what buyers may see, prices per 斤, search and categories, a fixed query count."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from logistics.geography.models import Village
from marketplace.catalog import services as catalog
from marketplace.catalog.models import ProductType
from marketplace.shops.services import shop_holiday_set
from meidu.accounts.roles import Role
from tests.marketplace.factories import catalogue_basics, channels, listed_product, open_shop

pytestmark = pytest.mark.django_db


def jpeg(name="pear.jpg", size=(64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (214, 190, 70)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def card_names(response) -> list[str]:
    """Names on the product cards of a listing page (the search box's placeholder names fruit too)."""
    assert response.status_code == 200
    return re.findall(r'class="product-card__name" href="[^"]*">([^<]*)</a>', response.content.decode())


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def market(db):
    retail, rural = channels()
    return {"retail": retail, "rural": rural, **catalogue_basics()}


@pytest.fixture
def farmer(make_user):
    return make_user(Role.BUYER)


@pytest.fixture
def shop(farmer, market):
    return open_shop(farmer, name="老李家果园")


def test_catalogue_lists_published_products_with_price_per_jin(client, shop, farmer, market):
    listed_product(shop, farmer, market["rural"], name="南果梨", price="12.50")
    response = client.get("/shop/")
    assert card_names(response) == ["南果梨"]
    html = response.content.decode()
    assert "¥12.50/斤" in html
    assert "老李家果园" in html
    assert 'aria-current="page">乡村好物' in html


def test_price_per_kg_and_per_piece(client, shop, farmer, market):
    by_kg = listed_product(shop, farmer, market["rural"], name="笨猪肉", price="38.00")
    catalog.product_update(by_kg, actor=farmer, weight_unit="kg")
    gift_box = ProductType.objects.create(name="礼盒", slug="gift-box", sold_by="piece")
    boxed = catalog.product_create(shop, actor=farmer, product_type=gift_box, name="南果梨礼盒")
    catalog.product_channel_listing_update(
        boxed, actor=farmer, update_channels=[{"channel": market["rural"], "is_published": True}]
    )
    variant = catalog.variant_create(boxed, actor=farmer, sku="BOX-1")
    catalog.variant_channel_listing_update(
        variant, actor=farmer, prices=[{"channel": market["rural"], "price": "88.00"}]
    )

    assert "¥38.00/公斤" in client.get(f"/shop/p/{by_kg.slug}/").content.decode()
    html = client.get(f"/shop/p/{boxed.slug}/").content.decode()
    assert "¥88.00" in html
    assert "¥88.00/" not in html


def test_prices_read_in_english(client, shop, farmer, market):
    product = listed_product(shop, farmer, market["rural"], price="6.80")
    client.post("/i18n/setlang/", {"language": "en", "next": "/shop/"})
    assert "¥6.80 per jin" in client.get(f"/shop/p/{product.slug}/").content.decode()


def test_unpublished_product_is_hidden_from_buyers_but_previewed_by_its_shop(client, shop, farmer, market, make_user):
    draft = listed_product(shop, farmer, market["rural"], name="待上架玉米", published=False)
    assert card_names(client.get("/shop/")) == []
    assert client.get(f"/shop/p/{draft.slug}/").status_code == 404

    client.force_login(make_user(Role.BUYER))
    assert client.get(f"/shop/p/{draft.slug}/").status_code == 404

    client.force_login(farmer)
    preview = client.get(f"/shop/p/{draft.slug}/")
    assert preview.status_code == 200
    assert "只有您能看到这个页面" in preview.content.decode()
    assert card_names(client.get("/shop/")) == []  # listings stay what buyers see


def test_product_hidden_from_listings_still_opens_by_link(client, shop, farmer, market):
    product = listed_product(shop, farmer, market["rural"], name="试吃装", visible=False)
    assert card_names(client.get("/shop/")) == []
    assert client.get(f"/shop/p/{product.slug}/").status_code == 200


def test_holiday_shop_products_are_gone(client, shop, farmer, market):
    product = listed_product(shop, farmer, market["rural"], name="南果梨")
    shop_holiday_set(shop, True, actor=farmer)

    assert card_names(client.get("/shop/")) == []
    assert client.get(f"/shop/p/{product.slug}/").status_code == 404
    response = client.get(f"/shop/s/{shop.slug}/")
    assert "店铺休息中" in response.content.decode()
    assert card_names(response) == []


def test_shop_page_lists_its_products_and_unopened_shops_are_404(client, shop, farmer, market, make_user):
    listed_product(shop, farmer, market["rural"], name="南果梨")
    response = client.get(f"/shop/s/{shop.slug}/")
    assert card_names(response) == ["南果梨"]
    assert "老李家果园" in response.content.decode() and "微店" in response.content.decode()

    newcomer = make_user(Role.BUYER)
    applied = open_shop(newcomer, name="还在申请的店", active=False)
    assert client.get(f"/shop/s/{applied.slug}/").status_code == 404
    client.force_login(newcomer)
    assert client.get(f"/shop/s/{applied.slug}/").status_code == 200


def test_channel_switch_shows_the_department_store(client, shop, farmer, market):
    listed_product(shop, farmer, market["retail"], name="美都牌洗衣液", price="19.90")
    assert card_names(client.get("/shop/")) == []
    response = client.get("/shop/?channel=retail")
    assert card_names(response) == ["美都牌洗衣液"]
    assert 'aria-current="page">县城商超' in response.content.decode()
    assert client.get("/shop/?channel=nowhere").status_code == 404


def test_search_and_category_filter(client, shop, farmer, market):
    pears = listed_product(shop, farmer, market["rural"], name="南果梨")
    corn = listed_product(shop, farmer, market["rural"], name="黏玉米")
    grain = catalog.Category.objects.create(name="粮食", slug="grain")
    catalog.product_update(corn, actor=farmer, category=grain)

    assert card_names(client.get("/shop/", {"q": "玉米"})) == ["黏玉米"]
    assert "没有找到与“土豆”相关的商品" in client.get("/shop/", {"q": "土豆"}).content.decode()
    assert card_names(client.get("/shop/c/fruit/")) == [pears.name]  # pears sit one level below fruit
    assert card_names(client.get("/shop/c/grain/")) == ["黏玉米"]
    assert client.get("/shop/c/no-such-category/").status_code == 404


def test_product_page_shows_photo_shop_village_and_attributes(client, shop, farmer, market, county, media_root):
    product = listed_product(shop, farmer, market["rural"], name="南果梨")
    village = Village.objects.select_related("town").order_by("code").first()
    catalog.product_update(
        product,
        actor=farmer,
        origin_village=village,
        description="树上熟透才摘。",
        attributes=[(market["variety"], "nanguo"), (market["weight"], "5")],
    )
    media = catalog.product_media_create(product, actor=farmer, image=jpeg(), alt="刚摘的南果梨")

    html = client.get(f"/shop/p/{product.slug}/").content.decode()
    assert f'href="{reverse("shop:shop", args=[shop.slug])}">老李家果园</a>' in html
    assert f"{village.town.name}{village.name}" in html
    assert "品种" in html and "南果梨" in html and "5斤" in html
    assert media.renditions["medium"] in html
    assert 'alt="刚摘的南果梨"' in html
    assert "树上熟透才摘。" in html


@pytest.mark.parametrize("count", [5, 30])
def test_catalogue_costs_a_fixed_number_of_queries(
    client, shop, farmer, market, media_root, count, django_assert_max_num_queries
):
    for n in range(count):
        product = listed_product(shop, farmer, market["rural"], name=f"南果梨{n}", price=f"{10 + n}.00")
        catalog.product_media_create(product, actor=farmer, image=jpeg(size=(8, 8)))
    # channel, category chips, count, page, then photos, variants and their prices batched
    with django_assert_max_num_queries(7):
        response = client.get("/shop/")
    assert response.status_code == 200
    html = response.content.decode()
    assert len(card_names(response)) == min(count, 20)
    if count > 20:
        assert "第 1 页，共 2 页" in html
        assert card_names(client.get("/shop/", {"page": 2}))[-1] == "南果梨0"  # newest first
