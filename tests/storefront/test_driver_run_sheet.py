"""The village driver's run sheet: parcels on the county runs, handed over with the cash."""

from decimal import Decimal

from django.urls import reverse

from marketplace.orders.models import OrderStatus
from marketplace.orders.services.lifecycle import order_fulfill
from meidu.accounts.roles import Role
from tests.marketplace.checkout.helpers import placed_orders
from tests.marketplace.factories import open_shop
from tests.support.buying import login


def test_driver_hands_over_with_cash_and_others_cannot(make_user, buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)])  # cash on delivery, village delivery
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 2, "2.0")], local_delivery=True)
    driver = login(make_user(Role.DRIVER))
    page = driver.get(reverse("station:runs"))
    assert page.status_code == 200 and str(order.number) in page.content.decode()
    refused = driver.post(reverse("station:hand_over", args=[order.number]), follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED and "现金" in refused.content.decode()
    driver.post(reverse("station:hand_over", args=[order.number]), {"cash_collected": "on"})
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED and order.charged_amount == order.total_amount > Decimal(0)
    assert login(buyer).get(reverse("station:runs")).status_code == 403


def test_a_seller_is_not_a_driver_of_other_shops_parcels(make_user, buyer, rural, pears):
    """Sellers hold COLLECT_CASH_ON_DELIVERY for their own counter; the county's runs are not theirs."""
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)])
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 1, "1.0")], local_delivery=True)
    rival = make_user()
    open_shop(rival)
    seller = login(rival)
    assert seller.get(reverse("station:runs")).status_code == 403
    assert seller.post(reverse("station:hand_over", args=[order.number]), {"cash_collected": "on"}).status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED and order.charged_amount == 0
