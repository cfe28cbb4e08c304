"""Truck bookings racing on real connections: the slot's row lock lets exactly one of two traders
take the last place (and one of two bookings of the same receipt win), and the counters never pass
the capacity."""

from decimal import Decimal

import pytest

from magnesium_exchange.warehouses.models import AppointmentState, TruckAppointment, TruckSlot
from magnesium_exchange.warehouses.services import receipt_withdraw, truck_appointment_arrive, truck_appointment_cancel
from tests.support.freight import book, publish_day
from tests.support.races import OK, one_winner, race

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 4


def test_two_traders_booking_the_last_place_one_wins(warehouse, receipt_factory, seller_member, buyer_member):
    slots = publish_day(warehouse, trucks=1, tonnes="100.000", start="08:00", end="12:00")
    for round_no, slot in enumerate(slots[:ROUNDS]):
        mine, theirs = receipt_factory(seller_member, net="10.000"), receipt_factory(buyer_member, net="10.000")
        calls = [
            lambda slot=slot, mine=mine: book(seller_member, slot, [mine], plate="辽H11111"),
            lambda slot=slot, theirs=theirs: book(buyer_member, slot, [theirs], plate="辽H22222"),
        ]
        if round_no % 2:
            calls.reverse()
        one_winner(race(*calls), "slot_full")
        slot.refresh_from_db()
        assert (slot.booked_trucks, slot.booked_tonnes) == (1, Decimal("10.000"))
        assert TruckAppointment.objects.filter(slot=slot).count() == 1


def test_the_same_receipt_booked_into_two_slots_at_once_is_booked_once(warehouse, receipt_factory, seller_member):
    first, second = publish_day(warehouse, trucks=3)[:2]
    for _ in range(ROUNDS):
        receipt = receipt_factory(seller_member, net="10.000")
        winner = one_winner(
            race(
                lambda receipt=receipt: book(seller_member, first, [receipt]),
                lambda receipt=receipt: book(seller_member, second, [receipt]),
            ),
            "receipt_already_booked",
        )
        truck_appointment_cancel(winner.value, member=seller_member)
    assert sum(TruckSlot.objects.filter(pk__in=[first.pk, second.pk]).values_list("booked_trucks", flat=True)) == 0


def test_the_gate_and_the_weighbridge_at_once_never_deadlock(warehouse, keeper, receipt_factory, seller_member):
    """Check-in locks the receipts before the appointment, as the withdrawal does: whichever goes first,
    the other waits and then answers (the weighing refused until the truck is in, or done on it)."""
    slot = publish_day(warehouse, trucks=ROUNDS)[0]
    for round_no in range(ROUNDS):
        receipt = receipt_factory(seller_member, net="10.000")
        plate = f"辽H3000{round_no}"
        book(seller_member, slot, [receipt], plate=plate)
        calls = [
            lambda plate=plate: truck_appointment_arrive(warehouse, plate=plate, now=slot.starts_at),
            lambda receipt=receipt: receipt_withdraw(
                receipt, gross="20.000", tare="10.000", net="10.000", actor=keeper
            ),
        ]
        if round_no % 2:
            calls.reverse()
        names = ["arrive", "withdraw"] if round_no % 2 == 0 else ["withdraw", "arrive"]
        outcomes = dict(zip(names, race(*calls), strict=True))
        assert outcomes["arrive"].ok
        assert outcomes["withdraw"].code in (OK, "truck_not_arrived")
        assert TruckAppointment.objects.get(plate=plate).state in (AppointmentState.ARRIVED, AppointmentState.COMPLETED)
