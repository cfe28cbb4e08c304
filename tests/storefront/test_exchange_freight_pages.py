"""Bulk freight pages: the trader books a truck for a receipt and cancels it on the terminal; the
warehouse desk publishes slots, sees the day's trucks and checks one in by plate; each refusal is a
form message in the reader's language with nothing written, and only the right people get in."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from magnesium_exchange.warehouses.models import AppointmentState, TruckAppointment, TruckSlot
from magnesium_exchange.warehouses.services import ReceiptLockPurpose, receipt_lock
from meidu.accounts.roles import Role
from tests.support.freight import PLATE, book, publish_day, tomorrow
from tests.support.graphql import PASSWORD

pytestmark = pytest.mark.django_db


def logged_in(user, language="zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=user.phone, password=PASSWORD)
    return client


def book_data(receipt, slot, **changes):
    return {
        "receipt": receipt.pk,
        "slot": slot.pk,
        "plate": "辽H·12345",
        "driver_name": "张师傅",
        "driver_phone": "13904170001",
        **changes,
    }


def test_a_trader_books_a_truck_sees_it_and_cancels_it(warehouse, receipt_factory, seller_member, trader_factory):
    receipt = receipt_factory(seller_member, net="30.000")
    slot = publish_day(warehouse)[0]
    client = logged_in(trader_factory(seller_member))
    overview = client.get("/exchange/terminal/").content.decode()
    assert f"/exchange/terminal/freight/book/?receipt={receipt.pk}" in overview and "预约提货车辆" in overview
    form = client.get(f"/exchange/terminal/freight/book/?receipt={receipt.pk}").content.decode()
    assert f'value="{slot.pk}"' in form and "时段" in form
    response = client.post("/exchange/terminal/freight/book/", book_data(receipt, slot))
    assert response.status_code == 302 and response.url == "/exchange/terminal/freight/"
    appointment = TruckAppointment.objects.get()
    assert appointment.plate == PLATE
    page = client.get("/exchange/terminal/freight/").content.decode()
    assert f'data-plate="{PLATE}"' in page and "辽H·12345" in page and 'data-state="booked"' in page
    assert "已预约" in page
    client.post(f"/exchange/terminal/freight/{appointment.pk}/cancel/")
    assert TruckAppointment.objects.get().state == AppointmentState.CANCELLED
    assert 'data-state="cancelled"' in client.get("/exchange/terminal/freight/").content.decode()


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"plate": "H123"}, "车牌"),
        ({"plate": "辽H12\x0045"}, None),
        ({"driver_phone": "12345"}, "手机"),
        ({"driver_name": "张\u202e三"}, None),
    ],
)
def test_bad_booking_input_is_a_form_message_and_writes_nothing(
    warehouse, receipt_factory, seller_member, trader_factory, changes, message
):
    receipt = receipt_factory(seller_member, net="30.000")
    slot = publish_day(warehouse)[0]
    client = logged_in(trader_factory(seller_member))
    response = client.post("/exchange/terminal/freight/book/", book_data(receipt, slot, **changes))
    assert response.status_code in (200, 400)
    if message:
        assert message in response.content.decode()
    assert TruckAppointment.objects.count() == 0


def test_a_full_slot_and_a_pledged_receipt_are_refused_in_english(
    warehouse, receipt_factory, seller_member, trader_factory
):
    slot = publish_day(warehouse, trucks=1)[0]
    book(seller_member, slot, [receipt_factory(seller_member, net="5.000")], plate="辽H54321")
    receipt = receipt_factory(seller_member, net="30.000")
    client = logged_in(trader_factory(seller_member), "en")
    # the full slot is no longer offered: the form refuses the choice
    page = client.post("/exchange/terminal/freight/book/", book_data(receipt, slot)).content.decode()
    assert "Select a valid choice" in page and TruckAppointment.objects.count() == 1
    open_slot = publish_day(warehouse, start="13:00", end="14:00")[0]
    receipt_lock(receipt, holder=seller_member, purpose=ReceiptLockPurpose.PLEDGE, reference="loan:7")
    page = client.post("/exchange/terminal/freight/book/", book_data(receipt, open_slot)).content.decode()
    assert "Select a valid choice" in page  # a pledged receipt is not offered either
    assert TruckAppointment.objects.count() == 1


def test_the_desk_publishes_slots_and_checks_a_truck_in(warehouse, keeper, receipt_factory, seller_member):
    client = logged_in(keeper)
    day = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    data = {
        "date": day,
        "start": "08:00",
        "end": "10:00",
        "length_minutes": "60",
        "capacity_trucks": "3",
        "capacity_tonnes": "300",
    }
    response = client.post(f"/exchange/warehouse/{warehouse.code}/trucks/slots/", data)
    assert response.status_code == 302 and TruckSlot.objects.count() == 2
    again = client.post(f"/exchange/warehouse/{warehouse.code}/trucks/slots/", data).content.decode()
    assert "已发布" in again and TruckSlot.objects.count() == 2
    bad = client.post(f"/exchange/warehouse/{warehouse.code}/trucks/slots/", {**data, "length_minutes": "45"})
    assert bad.status_code == 200 and TruckSlot.objects.count() == 2
    now = timezone.localtime()
    current = TruckSlot.objects.create(
        warehouse=warehouse,
        date=now.date(),
        start_time=dt.time(0, 0),
        end_time=dt.time(23, 59),
        capacity_trucks=2,
        capacity_tonnes="100",
    )
    receipt = receipt_factory(seller_member, net="5.000")
    book(seller_member, current, [receipt])
    trucks = client.get(f"/exchange/warehouse/{warehouse.code}/trucks/").content.decode()
    assert f'data-plate="{PLATE}"' in trucks and seller_member.name in trucks
    refused = client.post(f"/exchange/warehouse/{warehouse.code}/trucks/", {"plate": "辽H99999"}).content.decode()
    assert "没有预约" in refused
    response = client.post(f"/exchange/warehouse/{warehouse.code}/trucks/", {"plate": "辽h 12345"})
    assert response.status_code == 302
    assert TruckAppointment.objects.get().state == AppointmentState.ARRIVED
    withdraw = client.get(f"/exchange/warehouse/{warehouse.code}/receipts/{receipt.number}/withdraw/").content.decode()
    assert f'data-booking="{PLATE}"' in withdraw and f'value="{PLATE}"' in withdraw


def test_only_the_warehouses_staff_and_traders_get_in(
    warehouse, other_warehouse, make_user, seller_member, trader_factory
):
    buyer = logged_in(make_user(Role.BUYER))
    assert buyer.get(f"/exchange/warehouse/{warehouse.code}/trucks/").status_code == 403
    assert buyer.get("/exchange/terminal/freight/").status_code == 403
    trader = logged_in(trader_factory(seller_member))
    assert trader.get(f"/exchange/warehouse/{warehouse.code}/trucks/slots/").status_code == 403
    assert Client().get("/exchange/terminal/freight/").status_code == 302
    slot = publish_day(warehouse)[0]
    assert slot.date == tomorrow()
