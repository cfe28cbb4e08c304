"""The buying half of the demo: zones, shipping, stations, rice cookers in "rural", the demo buyer's orders."""

import pytest

from marketplace.demo_data import marketplace_demo
from marketplace.demo_orders import ASSISTED_VILLAGER_PHONE, ORDER_DEMO_STEPS, STATION_AGENT_PHONE
from marketplace.inventory.models import Warehouse
from marketplace.orders.models import Order, OrderStatus
from marketplace.settlement.selectors import commission_rates_of_orders
from marketplace.shipping.models import DeliveryZone, ShippingMethod
from marketplace.shops.selectors import shop_is_member
from meidu.accounts.models import User
from meidu.demo_data import DEMO_STEPS, seed_demo_users, seed_geography

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


def test_order_demo_steps_build_orders_and_are_idempotent():
    assert all(step in DEMO_STEPS for step in ORDER_DEMO_STEPS)
    seed_geography()
    seed_demo_users()
    marketplace_demo(products_per_shop=2)
    for _, step in ORDER_DEMO_STEPS:
        step()
    assert (
        DeliveryZone.objects.filter(kind="county").count() == 2
        and DeliveryZone.objects.filter(kind="carrier").count() == 4
    )
    stations = Warehouse.objects.filter(kind="station", is_pickup_point=True)
    assert stations.count() == 5
    agent = User.objects.get(phone=STATION_AGENT_PHONE)
    assert shop_is_member(agent, stations.first().shop_id)
    assert ShippingMethod.objects.filter(kind="county").exists()
    orders = Order.objects.filter(user__phone="+8613800000001")
    assert orders.count() == 3
    assert orders.filter(status=OrderStatus.FULFILLED).count() == 1
    assert orders.exclude(pickup_code="").count() == 2
    counts = (Order.objects.count(), Warehouse.objects.count(), ShippingMethod.objects.count())
    # Issue 12: the demo has commission rules, so every demo order shows a rate above zero.
    rates = commission_rates_of_orders(orders)
    assert all(rates[order.pk][0] and min(rates[order.pk][0]) > 0 for order in orders), rates
    # Issue 18: the station agent placed an order for a villager who signed at the counter.
    assisted = Order.objects.get(user__phone=ASSISTED_VILLAGER_PHONE)
    assert assisted.assistance.assistant == agent and assisted.assistance.confirmation == "counter_signature"
    assert [step() for _, step in ORDER_DEMO_STEPS] == [0] * len(ORDER_DEMO_STEPS)
    assert (Order.objects.count(), Warehouse.objects.count(), ShippingMethod.objects.count()) == counts
