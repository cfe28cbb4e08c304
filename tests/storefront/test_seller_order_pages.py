"""Seller order pages (own shop only: another shop's order is a 404), the packing slip, earnings,
and the pickup counter of village stations and stores."""

import re

import pytest
from django.urls import reverse

from marketplace.orders.models import Fulfillment, OrderEvent, OrderStatus
from meidu.accounts.roles import Role
from meidu.accounts.services import user_role_add
from tests.marketplace.checkout.helpers import BANK, placed_orders
from tests.support.buying import html, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def farmer_web(pears):
    return login(pears["owner"])


@pytest.fixture
def pear_order(buyer, rural, pears):
    """Two units of pears by village delivery, cash on delivery."""
    return placed_orders(buyer, rural, [(pears["variant"], 2)])[0]


def test_the_orders_list_shows_only_the_own_shop(farmer_web, buyer, rural, pears, cooker, station):
    orders = placed_orders(buyer, rural, [(pears["variant"], 1), (cooker["variant"], 1)], pickup=station)
    mine = next(order for order in orders if order.shop_id == pears["shop"].pk)
    other = next(order for order in orders if order.shop_id == cooker["shop"].pk)
    page = html(farmer_web.get("/seller/orders/"))
    assert f"订单 {mine.number}" in page
    assert f"订单 {other.number}" not in page
    # A filter by status.
    assert f"订单 {mine.number}" in html(farmer_web.get("/seller/orders/", {"status": "new"}))
    assert f"订单 {mine.number}" not in html(farmer_web.get("/seller/orders/", {"status": "sent"}))


def test_the_orders_list_costs_a_fixed_number_of_queries(
    farmer_web, buyer, rural, pears, django_assert_max_num_queries
):
    for n in range(5):
        placed_orders(buyer, rural, [(pears["variant"], 1)], key=f"pay-{n}")
    with django_assert_max_num_queries(13):  # 10, and the commission rates: lines, rules, categories
        page = html(farmer_web.get("/seller/orders/"))
    assert page.count('class="order-card"') == 5


def test_another_shops_order_is_a_404_everywhere(buyer, rural, cooker, pear_order):
    rival = login(cooker["owner"])
    number = pear_order.number
    assert rival.get(f"/seller/orders/{number}/").status_code == 404
    assert rival.get(f"/seller/orders/{number}/fulfil/").status_code == 404
    assert rival.get(f"/seller/orders/{number}/slip/").status_code == 404
    assert rival.post(f"/seller/orders/{number}/confirm/").status_code == 404
    assert rival.post(f"/seller/orders/{number}/cancel/").status_code == 404
    line = pear_order.lines.get()
    assert (
        rival.post(f"/seller/orders/{number}/fulfil/", {f"qty_{line.pk}": 2, f"weight_{line.pk}": "2"}).status_code
        == 404
    )
    assert rival.get("/seller/orders/", {"shop": pear_order.shop.slug}).status_code == 404
    pear_order.refresh_from_db()
    assert pear_order.status == OrderStatus.UNCONFIRMED and not Fulfillment.objects.exists()


def test_a_buyer_without_a_shop_is_sent_to_open_one(buyer, pear_order):
    client = login(buyer)
    assert client.get("/seller/orders/").url == reverse("seller:open")
    assert client.get(f"/seller/orders/{pear_order.number}/").status_code == 404


def test_confirm_then_fulfil_with_the_weighed_weight(farmer_web, pear_order):
    number = pear_order.number
    page = html(farmer_web.get(f"/seller/orders/{number}/"))
    assert "确认订单" in page and "王秀英" in page and "南果梨" in page

    response = farmer_web.post(f"/seller/orders/{number}/confirm/", follow=True)
    assert f"订单 {number} 已确认" in html(response)
    pear_order.refresh_from_db()
    assert pear_order.status == OrderStatus.UNFULFILLED

    line = pear_order.lines.get()
    form = html(farmer_web.get(f"/seller/orders/{number}/fulfil/"))
    assert f'name="weight_{line.pk}"' in form and 'name="tracking_number"' not in form  # the county run carries it

    # No weight for a by-weight line: refused by the service, shown on the form, nothing written.
    response = farmer_web.post(f"/seller/orders/{number}/fulfil/", {f"qty_{line.pk}": 2})
    assert response.status_code == 400
    assert "请给每件称重商品过秤并填写重量。" in html(response)
    assert not Fulfillment.objects.exists()

    response = farmer_web.post(
        f"/seller/orders/{number}/fulfil/", {f"qty_{line.pk}": 2, f"weight_{line.pk}": "1.900"}, follow=True
    )
    assert f"订单 {number} 已发货" in html(response)
    pear_order.refresh_from_db()
    assert pear_order.status == OrderStatus.FULFILLED
    assert str(pear_order.subtotal_amount) == "23.75"  # 1.9 × 12.50, less than the 25.00 estimate
    assert Fulfillment.objects.get().local_delivery
    assert "已过秤" in html(farmer_web.get(f"/seller/orders/{number}/"))


def test_the_fulfil_page_shows_the_buyers_route_and_asks_no_tick(farmer_web, pear_order, make_user):
    """The buyer chose village delivery: the page says the county run carries it (no checkbox to miss)
    and the parcel lands on the driver's run sheet."""
    number = pear_order.number
    line = pear_order.lines.get()
    page = html(farmer_web.get(f"/seller/orders/{number}/fulfil/"))
    assert "由县城统一配送车送达" in page and "买家选择了村级配送" in page
    assert 'name="local_delivery"' not in page and 'name="tracking_number"' not in page
    english = html(farmer_web.get(f"/seller/orders/{number}/fulfil/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "The county delivery run carries it" in english and "The buyer chose village delivery" in english

    farmer_web.post(f"/seller/orders/{number}/fulfil/", {f"qty_{line.pk}": 2, f"weight_{line.pk}": "2.0"})
    assert Fulfillment.objects.get().local_delivery
    driver = login(make_user(Role.DRIVER))
    assert f"{number}" in html(driver.get(reverse("station:runs")))


def test_fulfil_refuses_more_than_ordered(farmer_web, pear_order):
    line = pear_order.lines.get()
    response = farmer_web.post(
        f"/seller/orders/{pear_order.number}/fulfil/", {f"qty_{line.pk}": 3, f"weight_{line.pk}": "2"}
    )
    assert response.status_code == 400
    assert not Fulfillment.objects.exists()


def test_an_unpaid_bank_transfer_cannot_be_sent(farmer_web, buyer, rural, pears):
    order = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=BANK)[0]
    line = order.lines.get()
    response = farmer_web.post(
        f"/seller/orders/{order.number}/fulfil/", {f"qty_{line.pk}": 2, f"weight_{line.pk}": "2"}
    )
    assert response.status_code == 400
    assert "还没付款" in html(response)
    assert not Fulfillment.objects.exists()


def test_cancel_and_a_second_cancel_is_a_message(farmer_web, pear_order):
    number = pear_order.number
    response = farmer_web.post(f"/seller/orders/{number}/cancel/", {"reason": "梨被冻坏了"}, follow=True)
    assert f"订单 {number} 已取消" in html(response)
    pear_order.refresh_from_db()
    assert pear_order.status == OrderStatus.CANCELED
    response = farmer_web.post(f"/seller/orders/{number}/cancel/", follow=True)
    assert response.status_code == 200
    assert "message--error" in html(response)


def test_the_packing_slip_prints_without_the_pickup_code(buyer, rural, pears, station):
    order = placed_orders(buyer, rural, [(pears["variant"], 2)], pickup=station)[0]
    page = html(login(pears["owner"]).get(f"/seller/orders/{order.number}/slip/"))
    assert (
        "发货单" in page and "orders.css" in page and "data-print" in page and "storefront/js/print-button.js" in page
    )
    assert order.pickup_code not in page
    assert "收现金" in page  # cash on delivery still to collect


def test_earnings_page_shows_balances_chart_and_payouts(farmer_web):
    page = html(farmer_web.get("/seller/earnings/"))
    assert "每周收入" in page and "<svg" in page and page.count('class="bar"') == 12
    assert 'data-balance="available">¥0.00' in page
    assert "还没有打款" in page


# --- the pickup counter -------------------------------------------------------------------------------------------


@pytest.fixture
def ready_at_station(buyer, rural, pears, station):
    """Pears for pickup at the village station, made ready by the farmer; cash on delivery."""
    from marketplace.orders.services.lifecycle import order_fulfill

    order = placed_orders(buyer, rural, [(pears["variant"], 2)], pickup=station)[0]
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 2, "2.000")])
    return order


def test_the_agent_hands_over_with_the_code_and_cash(station_agent, station, ready_at_station):
    agent = login(station_agent)
    page = html(agent.get("/station/"))
    assert "自提核销" in page and f"订单 {ready_at_station.number}" in page
    assert ready_at_station.pickup_code not in page

    response = agent.post("/station/", {"point": station.pk, "code": ready_at_station.pickup_code})
    assert response.status_code == 400
    assert "请先收款" in html(response)

    response = agent.post(
        "/station/", {"point": station.pk, "code": "000000" if ready_at_station.pickup_code != "000000" else "111111"}
    )
    assert "核对数字" in html(response)

    response = agent.post(
        "/station/", {"point": station.pk, "code": ready_at_station.pickup_code, "cash_collected": "on"}, follow=True
    )
    assert f"订单 {ready_at_station.number} 已交付" in html(response)
    ready_at_station.refresh_from_db()
    assert ready_at_station.status == OrderStatus.DELIVERED and ready_at_station.is_paid

    response = agent.post(
        "/station/", {"point": station.pk, "code": ready_at_station.pickup_code, "cash_collected": "on"}
    )
    assert "已使用" in html(response)


def test_the_counter_is_only_for_pickup_staff(buyer, pears, station, ready_at_station):
    assert login(buyer).get("/station/").status_code == 403
    # The farmer has a pickup point at home, but not this station: the station is not offered.
    response = login(pears["owner"]).post("/station/", {"point": station.pk, "code": ready_at_station.pickup_code})
    assert response.status_code == 400
    ready_at_station.refresh_from_db()
    assert ready_at_station.status == OrderStatus.FULFILLED
    assert not OrderEvent.objects.filter(order=ready_at_station, type="picked_up").exists()


def test_navigation_per_role(station_agent, station, pears, make_user):
    assert "自提核销" in html(login(station_agent).get("/home/"))
    seller = pears["owner"]
    user_role_add(seller, Role.SELLER)
    page = html(login(seller).get("/home/"))
    assert "店铺订单" in page and "收入" in page and "自提核销" in page
    page = html(login(make_user(Role.BUYER)).get("/home/"))
    assert "购物车" in page and "我的订单" in page


def test_earnings_after_a_collected_order(station_agent, station, pears, ready_at_station):
    login(station_agent).post(
        "/station/", {"point": station.pk, "code": ready_at_station.pickup_code, "cash_collected": "on"}
    )
    page = html(login(pears["owner"]).get("/seller/earnings/"))
    pending = re.search(r'data-balance="pending">¥([0-9.]+)<', page).group(1)
    assert 0 < float(pending) <= float(ready_at_station.total_amount)
    heights = [
        float(h) for h in re.findall(r'class="bar" x="[0-9.]+" y="[0-9.]+" width="[0-9.]+" height="([0-9.]+)"', page)
    ]
    assert heights[-1] > 0 and all(h == 0 for h in heights[:-1])  # this week only


def test_the_shop_answers_and_resolves_a_complaint_with_a_refund(
    farmer_web, buyer, cooker, rural, pears, station, ready_at_station, station_agent
):
    from marketplace.complaints.models import Complaint, ComplaintStatus
    from marketplace.complaints.services import complaint_create

    login(station_agent).post(
        "/station/", {"point": station.pk, "code": ready_at_station.pickup_code, "cash_collected": "on"}
    )
    complaint = complaint_create(ready_at_station, buyer=buyer, category="quality", description="有两个梨烂了")
    number = ready_at_station.number
    page = html(farmer_web.get(f"/seller/orders/{number}/"))
    assert "有两个梨烂了" in page and "处理期限" in page

    # Another shop cannot act on it.
    rival = login(cooker["owner"])
    assert (
        rival.post(f"/seller/orders/{number}/complaints/{complaint.pk}/respond/", {"message": "x"}).status_code == 404
    )

    farmer_web.post(f"/seller/orders/{number}/complaints/{complaint.pk}/respond/", {"message": "对不起，马上处理"})
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESPONDED

    # A refund above what was paid is refused with a message; nothing changes.
    response = farmer_web.post(
        f"/seller/orders/{number}/complaints/{complaint.pk}/resolve/",
        {"resolution": "refund", "amount": "999.00", "note": "退款"},
        follow=True,
    )
    assert "message--error" in html(response)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESPONDED

    response = farmer_web.post(
        f"/seller/orders/{number}/complaints/{complaint.pk}/resolve/",
        {"resolution": "refund", "amount": "5.00", "note": "退两个梨的钱"},
        follow=True,
    )
    assert "投诉已处理" in html(response)
    complaint = Complaint.objects.get()
    assert complaint.status == ComplaintStatus.RESOLVED and str(complaint.refund_amount) == "5.00"
    ready_at_station.refresh_from_db()
    assert str(ready_at_station.refunded_amount) == "5.00"
