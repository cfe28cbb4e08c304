"""Every write that can change a cached public page shows on the next anonymous read: each test
caches the page (a hit proves it), writes through the service or the page that does it, and reads
again through the real views. The domains' versions (meidu.core.cache_versions) move on commit: the
test's transaction never commits, so each write runs its on-commit callbacks as a commit would
(``commit``, pytest-django's django_capture_on_commit_callbacks(execute=True))."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from marketplace.catalog.services import product_update, variant_channel_listing_update
from marketplace.catalog.services_setup import category_ensure
from marketplace.inventory.services import stock_update
from marketplace.presale.services import presale_campaign_open
from marketplace.shops.services import shop_transition
from tests.support.buying import CHECKOUT, PLACE, add, address_form, expected_total, login, place_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    """One test process: its in-process cache holds versions every request of the test sees."""
    settings.RESPONSE_CACHE_ENABLED = True


def cached(url: str, lang: str = "zh-hans") -> str:
    """The page as an anonymous visitor reads it, after making sure the shared copy is in the cache."""
    Client(HTTP_ACCEPT_LANGUAGE=lang).get(url)
    response = Client(HTTP_ACCEPT_LANGUAGE=lang).get(url)
    assert response["X-Page-Cache"] == "hit", url
    return response.content.decode()


def read(url: str, status: int = 200, lang: str = "zh-hans") -> str:
    response = Client(HTTP_ACCEPT_LANGUAGE=lang).get(url)
    assert response.status_code == status, url
    assert response["X-Page-Cache"] in ("miss", "bypass"), url  # a write moved a version: rendered afresh
    return response.content.decode()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` around a write: its on-commit callbacks (the version bumps) run at the end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def urls(pears):
    product, shop = pears["product"], pears["shop"]
    return {
        "product": f"/shop/p/{product.slug}/",
        "catalogue": "/shop/",
        "category": f"/shop/c/{product.category.slug}/",
        "shop": f"/shop/s/{shop.slug}/",
    }


def test_a_product_edit_shows_on_every_page_listing_it(pears, urls, commit):
    for url in urls.values():
        assert "南果梨" in cached(url)
    with commit():
        product_update(pears["product"], actor=pears["owner"], name="鞍山南果梨")
    for url in urls.values():
        assert "鞍山南果梨" in read(url), url


def test_a_price_change_shows_on_the_product_page_and_the_listings(pears, urls, rural, commit):
    assert "¥12.50" in cached(urls["product"]) and "¥12.50" in cached(urls["catalogue"])
    with commit():
        variant_channel_listing_update(
            pears["variant"], actor=pears["owner"], prices=[{"channel": rural, "price": Decimal("9.90")}]
        )
    product = read(urls["product"])
    assert "¥9.90" in product and "¥12.50" not in product
    assert "¥9.90" in read(urls["catalogue"])


def test_a_sale_moves_the_stock_shown_and_selling_out_says_so(pears, station, buyer, buyer_web, urls, commit):
    assert "可购数量：20" in cached(urls["product"])
    add(buyer_web, pears["variant"], 2)
    assert buyer_web.post(CHECKOUT, address_form()).status_code == 302
    from tests.support.buying import cart_of

    checkout = cart_of(buyer)
    total = expected_total(buyer_web)
    with commit():
        placed = buyer_web.post(
            PLACE,
            {
                **place_form(checkout, **{f"delivery_{pears['shop'].pk}": f"p{station.pk}"}),
                "payment": "meidu.payments.cod",
                "expected_total": total,
            },
        )
    assert placed.status_code == 302, placed.content[:300]
    assert "可购数量：18" in read(urls["product"])
    assert "可购数量：18" in cached(urls["product"])
    with commit():
        stock_update(pears["warehouse"], pears["variant"], actor=pears["owner"], quantity=2)  # the two sold remain
    assert "暂时售罄" in read(urls["product"])


def test_another_buyers_reservation_shows_in_the_units_left(pears, buyer, urls, commit, settings):
    """With reservations on, a cart holds stock: the product page says what is left for others."""
    settings.CHECKOUT_RESERVATION_MINUTES = 20
    assert "可购数量：20" in cached(urls["product"])
    with commit():
        assert add(login(buyer), pears["variant"], 5).status_code == 302
    assert "可购数量：15" in read(urls["product"])


def test_a_suspended_shop_disappears_from_every_page(pears, urls, operator, commit):
    for url in urls.values():
        assert "南果梨" in cached(url)
    with commit():
        shop_transition(pears["shop"], "suspend", actor=operator, note="食品安全抽检")
    read(urls["product"], status=404)
    read(urls["shop"], status=404)
    assert "南果梨" not in read(urls["catalogue"]) and "南果梨" not in read(urls["category"])


def test_a_category_change_moves_the_product_between_category_pages(pears, urls, commit):
    vegetables = category_ensure("vegetables-cache", "蔬菜")
    assert "南果梨" in cached(urls["category"])
    assert "南果梨" not in cached(f"/shop/c/{vegetables.slug}/")
    with commit():
        product_update(pears["product"], actor=pears["owner"], category=vegetables)
    assert "南果梨" not in read(urls["category"])
    assert "南果梨" in read(f"/shop/c/{vegetables.slug}/")
    assert "蔬菜" in read(urls["product"])  # the product page's breadcrumbs


def test_an_opened_pre_sale_shows_on_the_product_page(pears, urls, rural, commit):
    assert "预售" not in cached(urls["product"])
    with commit():
        presale_campaign_open(
            pears["variant"],
            rural,
            actor=pears["owner"],
            deposit_percent="30",
            expected_quantity=500,
            harvest_expected_on=timezone.localdate() + dt.timedelta(days=30),
        )
    assert "预售" in read(urls["product"])


# --- the farm price board -------------------------------------------------------------------


def test_a_reported_farm_price_shows_on_the_board_its_item_and_the_markets(farm, info_officer, commit):
    pages = ("/farm/", "/farm/compare/", "/farm/items/nanguo-pear/")
    for url in pages:
        assert "3.45" not in cached(url)
    report = {"item": "nanguo-pear", "market": "wholesale", "day": timezone.localdate(), "price": "3.45"}
    with commit():
        posted = login(info_officer).post("/farm/report/", {**report, "unit": "jin", "grade": ""})
    assert posted.status_code == 302
    for url in pages:
        assert "3.45" in read(url), url


def test_prices_derived_from_sales_show_on_the_board(farm, pears, station, buyer, buyer_web, commit):
    """The nightly job's median of the platform's sales (prices_derive_day) is a write like a report."""
    from incubator.prices.services import prices_derive_day
    from tests.support.buying import cart_of

    assert "12.50" not in cached("/farm/")
    add(buyer_web, pears["variant"], 1)
    buyer_web.post(CHECKOUT, address_form())
    placed = buyer_web.post(
        PLACE,
        {
            **place_form(cart_of(buyer), **{f"delivery_{pears['shop'].pk}": f"p{station.pk}"}),
            "payment": "meidu.payments.cod",
            "expected_total": expected_total(buyer_web),
        },
    )
    assert placed.status_code == 302
    with commit():
        assert prices_derive_day(timezone.localdate()) == 1
    assert "12.50" in read("/farm/")


def test_an_item_renamed_by_staff_in_admin_shows_on_the_board(farm, operator, commit):
    assert "南果梨" in cached("/farm/")
    pear = farm["pear"]
    admin = login(operator)
    form = admin.get(f"/admin/farm_prices/produceitem/{pear.pk}/change/")
    assert form.status_code == 200
    with commit():
        posted = admin.post(
            f"/admin/farm_prices/produceitem/{pear.pk}/change/",
            {
                "code": pear.code,
                "name": "鞍山南果梨",
                "name_en": pear.name_en,
                "unit": pear.unit,
                "position": pear.position,
                "aliases-TOTAL_FORMS": "0",
                "aliases-INITIAL_FORMS": "0",
                "aliases-MIN_NUM_FORMS": "0",
                "aliases-MAX_NUM_FORMS": "1000",
            },
        )
    assert posted.status_code == 302, posted.content.decode()[:2000]
    assert "鞍山南果梨" in read("/farm/")


# --- the magnesia price page ----------------------------------------------------------------


def test_a_trade_on_the_exchange_shows_on_the_price_page(market, commit):
    from magnesium_exchange.trading.services import listing_open, listing_pick
    from tests.magnesium_exchange.trading_factories import REFERENCE

    seller = market.member("海城市华鑫镁业有限公司")
    buyer = market.member("鞍山钢铁耐材采购有限公司", funds="500000.00")
    listing = listing_open(
        member=seller,
        grade=market.grade,
        price=Decimal("3010"),
        receipts=[market.receipt(seller, "100.000")],
        reference_price_fallback=REFERENCE,
        min_pick="10",
        step="10",
    )
    before = cached("/exchange/prices/").split('data-grade="fm-98"')[1].split("</tr>")[0]
    assert "3010.00" not in before
    with commit():
        listing_pick(listing, member=buyer, quantity="30")
    row = read("/exchange/prices/").split('data-grade="fm-98"')[1].split("</tr>")[0]
    assert "3010.00" in row and "30.000" in row


def test_published_bars_and_reference_prices_show_on_the_price_page(grades, operator, commit):
    from magnesium_exchange.marketdata.services import daily_bars_build, reference_price_set
    from tests.magnesium_exchange.marketdata.support import tape

    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    tape(grades["fm-97"], yesterday, [("3800.00", "20.000")])
    assert 'class="candle"' not in cached("/exchange/prices/").split('id="chart-fm-97"')[1].split("</section>")[0]
    with commit():
        daily_bars_build(yesterday)
    html = read("/exchange/prices/")
    assert html.split('id="chart-fm-97"')[1].split("</section>")[0].count('class="candle"') == 1
    cached("/exchange/prices/")
    with commit():
        reference_price_set(grade=grades["fm-97"], day=yesterday, price="3850.00", reason="监管核定", actor=operator)
    row = read("/exchange/prices/").split('data-grade="fm-97"')[1].split("</tr>")[0]
    assert "3850.00" in row


def test_a_new_grade_shows_on_the_price_page(grades, commit):
    from magnesium_exchange.commodities.services import grade_create

    assert "电熔镁砂 99" not in cached("/exchange/prices/")
    with commit():
        grade_create(grades["fm-97"].commodity, code="fm-99", name="电熔镁砂 99", rank=99)
    assert "电熔镁砂 99" in read("/exchange/prices/")
