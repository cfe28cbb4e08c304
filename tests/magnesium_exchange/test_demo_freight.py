"""The freight demo: truck slots at the demo warehouse for the next days, and one truck booked for a
truckload split off the demo trader's receipt, readable by the demo warehouse operator's desk;
idempotent (a second run writes nothing), tonnes still conserved."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from magnesium_exchange.demo_data import EXCHANGE_DEMO_STEPS, WAREHOUSE_OPERATOR_PHONE
from magnesium_exchange.demo_freight import FREIGHT_DEMO_STEPS
from magnesium_exchange.warehouses.models import AppointmentState, TruckAppointment, TruckSlot
from magnesium_exchange.warehouses.selectors import tonnes_conservation
from meidu.accounts.demo_data import DEMO_PASSWORD, seed_demo_users
from meidu.demo_data import DEMO_STEPS

pytestmark = pytest.mark.django_db


def test_freight_demo_publishes_slots_and_books_one_truck_idempotently():
    assert all(step in DEMO_STEPS for step in FREIGHT_DEMO_STEPS)
    seed_demo_users()
    for _label, step in EXCHANGE_DEMO_STEPS + FREIGHT_DEMO_STEPS:
        step()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for offset in (1, 2, 3):
        day = timezone.localdate() + dt.timedelta(days=offset)
        assert TruckSlot.objects.filter(warehouse__code="DSQ01", date=day).count() == 9
    appointment = TruckAppointment.objects.get()
    assert appointment.state == AppointmentState.BOOKED and appointment.slot.date == tomorrow
    assert appointment.plate == "辽H12345" and appointment.tonnes == Decimal("32.000")
    assert appointment.lines.get().receipt.holder.traders.filter(user__phone="+8613800000007").exists()
    weighed_in, on_receipts = tonnes_conservation()
    assert weighed_in == on_receipts == Decimal("20000.000")
    for _label, step in FREIGHT_DEMO_STEPS:
        assert step() == 0

    desk = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert desk.login(username=WAREHOUSE_OPERATOR_PHONE, password=DEMO_PASSWORD)
    page = desk.get(f"/exchange/warehouse/DSQ01/trucks/?date={tomorrow:%Y-%m-%d}").content.decode()
    assert 'data-plate="辽H12345"' in page and "已预约" in page
