"""The farm pages (storefront/farm): today's board, an item's trend as a server-side SVG, markets side
by side, the feeds with stable IDs, posts with the phone masked until accepted, posting and its
refusals, alerts, the fair and its results; in Chinese and English."""

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone

from incubator.fairs.services import fair_open, stall_apply, stall_decide
from incubator.posts.models import SupplyDemandPost
from incubator.posts.services import contact_request_create, contact_request_decide, post_create
from incubator.prices.models import PriceAlert, PriceObservation
from tests.incubator.farm_world import history
from tests.support.buying import login

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def priced(farm):
    history(farm["pear"], farm["wholesale"], [2.0 + i / 100 for i in range(100)], until=days(1))
    history(farm["pear"], farm["town"], [2.2 + i / 100 for i in range(40)], until=days(1))
    history(farm["corn"], farm["wholesale"], [1.1, 1.2], until=days(1))
    return farm


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def test_the_board_is_public_phone_first_and_bilingual(priced, django_assert_max_num_queries):
    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    with django_assert_max_num_queries(12):
        html = page(zh, "/farm/")
    assert "今日农产品价格" in html and "南果梨" in html and "元/斤" in html
    assert "2.99" in html and "▲0.01" in html  # the latest wholesale price and its change
    en = page(Client(HTTP_ACCEPT_LANGUAGE="en"), "/farm/")
    assert "Farm prices today" in en and "yuan/jin" in en and "Nanguo pears" in en


@pytest.mark.parametrize("period, points", [(30, 30), (90, 90), (365, 100)])
def test_an_items_trend_is_a_server_side_svg(priced, period, points):
    html = page(Client(), f"/farm/items/nanguo-pear/?days={period}")
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    wholesale = svg.split('class="trend line--0"', 1)[1].split('"', 2)[1]
    assert len(wholesale.split()) == points
    assert "<script" not in html and "style=" not in html
    assert "批发市场" in html and "周家镇大集" in html


def test_unknown_items_and_periods(priced):
    page(Client(), "/farm/items/durian/", 404)
    assert 'aria-current="page">30' in page(Client(), "/farm/items/nanguo-pear/?days=7x")


def test_markets_side_by_side(priced):
    html = page(Client(), "/farm/compare/")
    row = html.split("南果梨", 1)[1].split("</tr>", 1)[0]
    assert "2.99" in row and "2.59" in row


def test_feeds_carry_stable_ids(priced, farm_county, farmer):
    post_create(
        farmer,
        side="supply",
        item=priced["corn"],
        quantity="100",
        quantity_unit="jin",
        window_start=days(0),
        window_end=days(9),
        village=farm_county["villages"][0],
    )
    client = Client()
    rss = ET.fromstring(client.get("/farm/feeds/board.rss").content)
    guids = [g.text for g in rss.iter("guid")]
    assert f"urn:meidu:farm:price:nanguo-pear:wholesale:{days(0)}" in guids
    atom = ET.fromstring(client.get("/farm/feeds/items/nanguo-pear.atom").content)
    ids = [e.text for e in atom.iter("{http://www.w3.org/2005/Atom}id")]
    assert f"urn:meidu:farm:price:nanguo-pear:zhoujia:{days(0)}" in ids
    first = client.get("/farm/feeds/posts.json")
    assert first["Content-Type"].startswith("application/feed+json")
    feed = json.loads(first.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    post_id = SupplyDemandPost.objects.get().pk
    assert [item["id"] for item in feed["items"]] == [f"urn:meidu:farm:post:{post_id}"]
    assert json.loads(client.get("/farm/feeds/posts.json").content)["items"][0]["id"] == feed["items"][0]["id"]


def test_a_post_shows_the_phone_only_once_the_poster_accepts(farm, farm_county, farmer, make_user):
    supply, _ = post_create(
        farmer,
        side="supply",
        item=farm["corn"],
        quantity="100",
        quantity_unit="jin",
        window_start=days(0),
        window_end=days(9),
        village=farm_county["villages"][0],
    )
    url = f"/farm/posts/{supply.pk}/"
    anonymous = page(Client(), url)
    assert farmer.phone not in anonymous and "登录后查看联系人" in anonymous
    buyer = make_user()
    web = login(buyer)
    assert farmer.phone not in page(web, url) and "****" in page(web, url)
    assert web.post(f"{url}contact/").status_code == 302
    request = supply.contact_requests.get()
    contact_request_decide(farmer, request, accept=True)
    assert farmer.phone in page(web, url)


def test_posting_through_the_page_with_an_alias_and_a_refusal(farm, farm_county, farmer):
    web = login(farmer)
    form = {
        "side": "supply",
        "item": "苞米",
        "quantity": "2",
        "quantity_unit": "tonne",
        "village": farm_county["villages"][0].pk,
        "window_start": days(0),
        "window_end": days(30),
        "price_wish": "",
        "price_unit": "",
        "grade": "",
        "contact_phone": "",
        "note": "",
    }
    bad = web.post("/farm/posts/new/", {**form, "window_start": days(-9), "window_end": days(-2)})
    assert bad.status_code == 400 and "起止日期已过" in bad.content.decode()
    zero = web.post("/farm/posts/new/", {**form, "quantity": "0"})
    assert zero.status_code == 400 and "请输入大于零的数字" in zero.content.decode()
    assert not SupplyDemandPost.objects.exists()
    made = web.post("/farm/posts/new/", form)
    assert made.status_code == 302
    assert SupplyDemandPost.objects.get().item == farm["corn"]


def test_an_alert_is_set_on_the_page(farm, farmer):
    web = login(farmer)
    bad = web.post("/farm/alerts/", {"item": "nanguo-pear", "direction": "above", "threshold": "NaN", "unit": "jin"})
    assert bad.status_code == 400 and not PriceAlert.objects.exists()
    assert (
        web.post(
            "/farm/alerts/", {"item": "nanguo-pear", "direction": "above", "threshold": "3", "unit": "jin"}
        ).status_code
        == 302
    )
    assert "涨过" in page(web, "/farm/alerts/")


def test_only_reporters_open_the_report_form(priced, info_officer, farmer):
    assert login(farmer).get("/farm/report/").status_code == 403
    web = login(info_officer)
    assert web.get("/farm/report/").status_code == 200
    absurd = {"item": "nanguo-pear", "market": "wholesale", "day": days(0), "price": "40", "unit": "jin", "grade": ""}
    assert web.post("/farm/report/", absurd).status_code == 400
    assert not PriceObservation.objects.filter(day=days(0), price=40).exists()
    assert web.post("/farm/report/", {**absurd, "price": "6", "unit": "kg"}).status_code == 302
    assert PriceObservation.objects.filter(day=days(0), market=priced["wholesale"]).order_by("-id").first().price == 3


def test_the_fair_page_and_its_results(operator, pears, make_user, priced):
    fair = fair_open(operator, title="南果梨丰收节", theme="产地直发", starts_on=days(0), ends_on=days(3))
    stall = stall_apply(pears["owner"], fair, shop=pears["shop"], products=[pears["product"]])
    pending = page(login(operator), f"/farm/fairs/{fair.pk}/")
    assert "展位申请" in pending
    stall_decide(operator, stall, approve=True)
    assert Client().get("/farm/fairs/").url == f"/farm/fairs/{fair.pk}/"  # the fair in progress opens directly
    html = page(Client(), f"/farm/fairs/{fair.pk}/")
    assert "南果梨丰收节" in html and pears["shop"].name in html and "进行中" in html and "price-strip" in html
    results = page(Client(), f"/farm/fairs/{fair.pk}/results/")
    assert pears["shop"].name in results and "农展仍在进行" in results


def test_contact_request_helper_refuses_twice(farm, farm_county, farmer, make_user):
    supply, _ = post_create(
        farmer,
        side="supply",
        item=farm["corn"],
        quantity="100",
        quantity_unit="jin",
        window_start=days(0),
        window_end=days(9),
        village=farm_county["villages"][0],
    )
    buyer = make_user()
    contact_request_create(buyer, supply)
    web = login(buyer)
    response = web.post(f"/farm/posts/{supply.pk}/contact/", follow=True)
    assert "您已申请过联系方式" in response.content.decode()
