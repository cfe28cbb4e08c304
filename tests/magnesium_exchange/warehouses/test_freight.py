"""Bulk freight through the services: slots published, trucks booked for a member's free receipts,
checked in at the gate by plate in their window, weighed out on that truck only, no-shows marked;
every refusal with its code and nothing written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from magnesium_exchange.warehouses.models import (
    AppointmentState,
    Receipt,
    ReceiptStatus,
    TruckAppointment,
    TruckAppointmentEvent,
    TruckAppointmentReceipt,
    TruckSlot,
)
from magnesium_exchange.warehouses.plates import plate_normalize
from magnesium_exchange.warehouses.services import (
    ReceiptLockPurpose,
    receipt_lock,
    receipt_withdraw,
    truck_appointment_arrive,
    truck_appointment_cancel,
    truck_appointments_no_show_due,
    truck_slots_publish,
)
from magnesium_exchange.warehouses.tasks import truck_appointments_no_show_due as no_show_task
from meidu.core.errors import DomainError
from tests.magnesium_exchange.records_factories import issue
from tests.support.freight import PLATE, book, publish_day, tomorrow

pytestmark = pytest.mark.django_db


def refused(code, call):
    counts = (TruckAppointment.objects.count(), TruckAppointmentEvent.objects.count(), TruckSlot.objects.count())
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code, (caught.value.code, caught.value.message)
    assert counts == (
        TruckAppointment.objects.count(),
        TruckAppointmentEvent.objects.count(),
        TruckSlot.objects.count(),
    )
    return caught.value


@pytest.mark.parametrize(
    "typed,stored",
    [
        ("辽H12345", "辽H12345"),
        ("辽H·D1001", "辽HD1001"),
        ("辽h·d12345", "辽HD12345"),
        (" 辽H 12345D ", "辽H12345D"),
        ("辽ＨＡ８８８８", "辽HA8888"),
        ("辽H1234挂", "辽H1234挂"),
        ("辽H-A1B2C", "辽HA1B2C"),
    ],
)
def test_plates_are_normalised(typed, stored):
    assert plate_normalize(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["", "辽12345", "XH12345", "辽H1234", "辽H1234567", "辽HI2345", "辽HO2345", "辽H12\x0045", "辽H" + "1" * 100, None],
)
def test_malformed_plates_are_refused(typed):
    assert plate_normalize(typed) is None


def test_slots_are_published_and_refused_when_past_overlapping_or_bad(warehouse, keeper):
    slots = publish_day(warehouse, actor=keeper)
    assert [(s.start_time.hour, s.end_time.hour) for s in slots] == [(8, 9), (9, 10), (10, 11), (11, 12)]
    assert {(s.capacity_trucks, s.capacity_tonnes) for s in slots} == {(2, Decimal("500.000"))}
    refused("slot_overlap", lambda: publish_day(warehouse, start="11:30", end="13:30", minutes=30))
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    def publish(**overrides):
        args = dict(
            day=tomorrow(),
            start=dt.time(13),
            end=dt.time(15),
            length_minutes=60,
            capacity_trucks=2,
            capacity_tonnes="100",
        )
        return lambda: truck_slots_publish(warehouse, **{**args, **overrides})

    refused("slot_past", publish(day=yesterday))
    refused("invalid_time", publish(end=dt.time(13)))
    refused("invalid_time", publish(length_minutes=45))
    refused("invalid_time", publish(day=timezone.localdate() + dt.timedelta(days=400)))
    for trucks in (0, -1, True, 10_000, "2"):
        refused("invalid_capacity", publish(capacity_trucks=trucks))
    for tonnes in ("NaN", "Infinity", "-5", "1e30", "0", "1.0001", "abc", "\x00"):
        refused("invalid_capacity", publish(capacity_tonnes=tonnes))


def test_a_trader_books_a_truck_and_the_slot_counts_it(warehouse, receipt_factory, seller_member, trader_factory):
    user = trader_factory(seller_member)
    receipt = receipt_factory(seller_member, net="30.000")
    slot = publish_day(warehouse)[0]
    appointment = book(seller_member, slot, [receipt], plate="辽h·12345", actor=user)
    assert appointment.plate == PLATE and appointment.tonnes == Decimal("30.000")
    assert appointment.driver_phone == "+8613904170001" and appointment.state == AppointmentState.BOOKED
    slot.refresh_from_db()
    assert (slot.booked_trucks, slot.booked_tonnes) == (1, Decimal("30.000"))
    assert list(appointment.events.values_list("action", "to_state", "actor")) == [("book", "booked", user.pk)]
    refused("receipt_already_booked", lambda: book(seller_member, slot, [receipt], plate="辽H54321"))


def test_a_full_slot_is_refused_by_trucks_and_by_tonnes(warehouse, receipt_factory, seller_member):
    slot = publish_day(warehouse, trucks=1, tonnes="100.000")[0]
    book(seller_member, slot, [receipt_factory(seller_member, net="20.000")])
    error = refused("slot_full", lambda: book(seller_member, slot, [receipt_factory(seller_member, net="10.000")]))
    assert error.field == "slot"
    roomy = publish_day(warehouse, trucks=5, tonnes="50.000", start="13:00", end="14:00")[0]
    refused("slot_full", lambda: book(seller_member, roomy, [receipt_factory(seller_member, net="60.000")]))


def test_a_slot_in_the_past_and_receipts_not_free_are_refused(
    warehouse, other_warehouse, receipt_factory, seller_member, buyer_member, fused, keeper
):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    past = publish_day(warehouse, day=yesterday)[0]
    mine = receipt_factory(seller_member, net="10.000")
    refused("slot_past", lambda: book(seller_member, past, [mine]))
    slot = publish_day(warehouse)[0]
    theirs = receipt_factory(buyer_member, net="10.000")
    refused("receipt_not_yours", lambda: book(seller_member, slot, [theirs]))
    pledged = receipt_factory(seller_member, net="10.000")
    receipt_lock(pledged, holder=seller_member, purpose=ReceiptLockPurpose.PLEDGE, reference="loan:1")
    refused("receipt_pledged", lambda: book(seller_member, slot, [pledged]))
    listed = receipt_factory(seller_member, net="10.000")
    receipt_lock(listed, holder=seller_member, purpose=ReceiptLockPurpose.LISTING, reference="listing:1")
    refused("receipt_listed", lambda: book(seller_member, slot, [listed]))
    elsewhere = issue(other_warehouse, fused, seller_member, net="10.000")
    refused("wrong_warehouse", lambda: book(seller_member, slot, [elsewhere]))
    refused("required", lambda: book(seller_member, slot, []))
    refused("invalid", lambda: book(seller_member, slot, [mine, mine]))


@pytest.mark.parametrize(
    "field,value,code",
    [
        ("plate", "辽H12", "invalid_plate"),
        ("plate", "辽H12\x0045", "invalid_plate"),
        ("plate", "辽H" + "9" * 10_000, "invalid_plate"),
        ("driver_phone", "12345", "invalid_phone"),
        ("driver_phone", "1" * 5000, "invalid_phone"),
        ("driver_name", "", "required"),
        ("driver_name", "张\x00三", "invalid"),
        ("driver_name", "张\u202e三", "invalid"),
        ("driver_name", "张" * 41, "invalid"),
    ],
)
def test_hostile_booking_input_is_refused(warehouse, receipt_factory, seller_member, field, value, code):
    slot = publish_day(warehouse)[0]
    receipt = receipt_factory(seller_member, net="10.000")
    refused(code, lambda: book(seller_member, slot, [receipt], **{field: value}))


def test_cancel_before_the_slot_frees_the_place_and_is_refused_after(
    warehouse, receipt_factory, seller_member, buyer_member
):
    slot = publish_day(warehouse, trucks=1)[0]
    receipt = receipt_factory(seller_member, net="10.000")
    appointment = book(seller_member, slot, [receipt])
    refused("not_your_appointment", lambda: truck_appointment_cancel(appointment, member=buyer_member))
    refused(
        "too_late_to_cancel",
        lambda: truck_appointment_cancel(appointment, member=seller_member, now=slot.starts_at),
    )
    truck_appointment_cancel(appointment, member=seller_member)
    slot.refresh_from_db()
    assert (slot.booked_trucks, slot.booked_tonnes) == (0, Decimal("0.000"))
    assert not TruckAppointmentReceipt.objects.filter(live=True).exists()
    again = book(seller_member, slot, [receipt])  # the place and the receipt are free again
    assert again.state == AppointmentState.BOOKED
    refused("invalid_transition", lambda: truck_appointment_cancel(appointment, member=seller_member))


@override_settings(FREIGHT_ARRIVAL_GRACE_MINUTES=30)
def test_the_gate_checks_in_by_plate_only_in_the_window_and_at_the_right_warehouse(
    warehouse, other_warehouse, receipt_factory, seller_member, keeper
):
    slot = publish_day(warehouse)[1]  # 09:00-10:00
    appointment = book(seller_member, slot, [receipt_factory(seller_member, net="10.000")])
    early = slot.starts_at - dt.timedelta(minutes=31)
    error = refused("outside_slot_window", lambda: truck_appointment_arrive(warehouse, plate=PLATE, now=early))
    assert "09:00-10:00" in error.message
    late = slot.ends_at + dt.timedelta(minutes=31)
    refused("outside_slot_window", lambda: truck_appointment_arrive(warehouse, plate=PLATE, now=late))
    refused("wrong_warehouse", lambda: truck_appointment_arrive(other_warehouse, plate=PLATE, now=slot.starts_at))
    refused("no_appointment", lambda: truck_appointment_arrive(warehouse, plate="辽H99999", now=slot.starts_at))
    refused("invalid_plate", lambda: truck_appointment_arrive(warehouse, plate="H12", now=slot.starts_at))
    arrived = truck_appointment_arrive(
        warehouse, plate="辽H·12345", now=slot.starts_at - dt.timedelta(minutes=29), actor=keeper
    )
    assert arrived.pk == appointment.pk and arrived.state == AppointmentState.ARRIVED
    assert arrived.events.last().actor_id == keeper.pk


def test_a_truck_for_goods_since_listed_is_turned_away(warehouse, receipt_factory, seller_member):
    slot = publish_day(warehouse)[0]
    receipt = receipt_factory(seller_member, net="10.000")
    book(seller_member, slot, [receipt])
    receipt_lock(receipt, holder=seller_member, purpose=ReceiptLockPurpose.LISTING, reference="listing:9")
    refused("receipt_listed", lambda: truck_appointment_arrive(warehouse, plate=PLATE, now=slot.starts_at))


def test_a_booked_receipt_goes_out_only_on_its_truck_after_check_in(warehouse, receipt_factory, seller_member, keeper):
    slot = publish_day(warehouse)[0]
    first, second = receipt_factory(seller_member, net="10.000"), receipt_factory(seller_member, net="12.000")
    appointment = book(seller_member, slot, [first, second])
    weights = {"gross": "25.000", "tare": "15.000", "net": "10.000"}
    with pytest.raises(DomainError) as caught:
        receipt_withdraw(first, **weights, actor=keeper)
    assert caught.value.code == "truck_not_arrived"
    truck_appointment_arrive(warehouse, plate=PLATE, now=slot.starts_at)
    with pytest.raises(DomainError) as caught:
        receipt_withdraw(first, **weights, vehicle_plate="辽H54321", actor=keeper)
    assert caught.value.code == "wrong_truck"
    assert Receipt.objects.get(pk=first.pk).status == ReceiptStatus.ACTIVE
    result = receipt_withdraw(first, **weights, actor=keeper)  # the plate comes from the booking
    assert result.ticket.vehicle_plate == PLATE and result.receipt.status == ReceiptStatus.WITHDRAWN
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.LOADED
    result = receipt_withdraw(
        second, gross="27.000", tare="15.000", net="12.000", vehicle_plate="辽H·12345", actor=keeper
    )
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.COMPLETED
    tickets = set(appointment.lines.values_list("outbound_ticket__number", flat=True))
    assert result.ticket.number in tickets and len(tickets) == 2
    actions = list(appointment.events.values_list("action", flat=True))
    assert actions == ["book", "arrive", "load", "complete"]


def test_a_receipt_without_a_booking_is_withdrawn_as_before(receipt_factory, seller_member, keeper):
    receipt = receipt_factory(seller_member, net="10.000")
    result = receipt_withdraw(receipt, gross="25.000", tare="15.000", net="10.000", vehicle_plate="辽c1", actor=keeper)
    assert result.within_tolerance and result.ticket.vehicle_plate == "辽C1"


def test_no_shows_are_marked_after_the_window_and_read_so_before(warehouse, receipt_factory, seller_member):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    slot = publish_day(warehouse, day=yesterday)[0]
    receipt = receipt_factory(seller_member, net="10.000")
    appointment = book(seller_member, slot, [receipt], now=slot.starts_at - dt.timedelta(hours=1))
    fresh = book(seller_member, publish_day(warehouse)[0], [receipt_factory(seller_member, net="5.000")])
    assert appointment.state_at() == AppointmentState.NO_SHOW  # before the job: never reads as live
    assert fresh.state_at() == AppointmentState.BOOKED
    assert no_show_task() == 1
    assert truck_appointments_no_show_due() == 0  # idempotent
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.NO_SHOW and not appointment.lines.filter(live=True).exists()
    assert TruckAppointment.objects.get(pk=fresh.pk).state == AppointmentState.BOOKED


def test_a_stale_booking_does_not_hold_its_receipt(warehouse, receipt_factory, seller_member, keeper):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    old_slot = publish_day(warehouse, day=yesterday)[0]
    receipt = receipt_factory(seller_member, net="10.000")
    stale = book(seller_member, old_slot, [receipt], now=old_slot.starts_at - dt.timedelta(hours=1))
    fresh = book(seller_member, publish_day(warehouse)[0], [receipt])  # before the job ran
    assert TruckAppointment.objects.get(pk=stale.pk).state == AppointmentState.NO_SHOW
    assert fresh.lines.get().live
