"""bulk_insert on orders: the number is the column's default, events carry JSON and their creation time."""

import uuid

from django.db.models.expressions import DatabaseDefault

from marketplace.orders.models import Order, OrderEvent
from meidu.core.sql.bulk import bulk_insert
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders


def test_database_defaults_json_and_timestamps_come_back(buyer, rural, cooker):
    [order] = placed_orders(
        buyer, rural, [(cooker["variant"], 1)], gateway=OFFLINE, action="CHARGE", pickup=cooker["store"]
    )
    twin = Order.objects.get(pk=order.pk)  # the same order again, its number left to the database
    number = Order._meta.get_field("number")
    twin.pk, twin.token, twin.number = None, uuid.uuid4(), DatabaseDefault(number.db_default, output_field=number)
    twin._state.adding = True
    bulk_insert([twin])
    assert twin.number > order.number and Order.objects.get(pk=twin.pk).number == twin.number
    [event] = bulk_insert([OrderEvent(order=twin, type="note", data={"text": "稍后送达", "n": 1})])
    stored = OrderEvent.objects.get(pk=event.pk)
    assert stored.data == {"text": "稍后送达", "n": 1} and stored.created_at == event.created_at is not None


def test_an_explicit_number_goes_through_bulk_create(buyer, rural, cooker):
    [order] = placed_orders(
        buyer, rural, [(cooker["variant"], 1)], gateway=OFFLINE, action="CHARGE", pickup=cooker["store"]
    )
    twin = Order.objects.get(pk=order.pk)
    twin.pk, twin.token, twin.number = None, uuid.uuid4(), 990_000_001
    twin._state.adding = True
    bulk_insert([twin])
    assert Order.objects.get(pk=twin.pk).number == 990_000_001
