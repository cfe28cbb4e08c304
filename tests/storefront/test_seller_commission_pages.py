"""Issue 12: the seller sees the commission rate of each order and the rules of their shop."""

import pytest

from tests.marketplace.checkout.helpers import placed_orders
from tests.marketplace.settlement.journeys import released_cooker_order
from tests.support.buying import html, login

pytestmark = pytest.mark.django_db


def test_each_order_shows_its_rate_on_the_list_and_the_order(buyer, rural, pears, rules, django_assert_max_num_queries):
    orders = [placed_orders(buyer, rural, [(pears["variant"], 1)], key=f"pay-{n}")[0] for n in range(4)]
    farmer = login(pears["owner"])
    with django_assert_max_num_queries(14):
        page = html(farmer.get("/seller/orders/"))
    assert page.count("佣金 3%（预计）") == 4  # the pears' rule, until the order is settled
    assert "佣金 3%（预计）" in html(farmer.get(f"/seller/orders/{orders[0].number}/"))
    farmer.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Commission 3% (expected)" in html(farmer.get(f"/seller/orders/{orders[0].number}/"))


def test_a_settled_order_shows_its_frozen_rate(buyer, rural, cooker, rules):
    order = released_cooker_order(buyer, rural, cooker)
    page = html(login(cooker["owner"]).get(f"/seller/orders/{order.number}/"))
    assert "佣金 6%" in page and "预计" not in page.split("佣金 6%")[1][:10]


def test_the_earnings_page_lists_the_rules_of_the_shop(pears, rules):
    page = html(login(pears["owner"]).get("/seller/earnings/"))
    assert "佣金比例" in page
    for rate in ("3%", "4%", "5%"):
        assert f"<span>{rate}</span>" in page
    assert "<span>8%</span>" not in page and "<span>6%</span>" not in page  # the stores' rules


def test_without_rules_the_earnings_page_says_so(pears):
    assert "暂无佣金" in html(login(pears["owner"]).get("/seller/earnings/"))
