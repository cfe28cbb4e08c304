"""Bulk freight through GraphQL: who sees slots and appointments, who books, cancels, publishes and
checks trucks in; refusals come back as FreightError codes in the reader's language, writing nothing."""

import datetime as dt

from django.utils import timezone
from graphql_relay import to_global_id

from magnesium_exchange.warehouses.models import AppointmentState, TruckAppointment, TruckAppointmentEvent, TruckSlot
from magnesium_exchange.warehouses.services import warehouse_staff_add
from meidu.accounts.roles import Role
from tests.support.freight import PLATE, book, publish_day, tomorrow
from tests.support.graphql import GraphQLClient, token_for

SLOTS = """query($w: String!, $d: Date) { truckSlots(warehouse: $w, date: $d, first: 50) { totalCount
  edges { node { id date startTime endTime capacityTrucks bookedTrucks freeTrucks freeTonnes
  warehouse { code } } } } }"""
APPOINTMENTS = """query($w: String) { truckAppointments(warehouse: $w, first: 50) { totalCount edges { node {
  id state plate plateDisplay tonnes memberName slot { startTime warehouse { code } }
  receipts { receiptNumber quantity outboundTicket { number } } events { action toState } } } } }"""
BOOK = """mutation($input: TruckAppointmentBookInput!) { truckAppointmentBook(input: $input) {
  appointment { id state plate tonnes receipts { receiptNumber } } errors { field code message } } }"""
CANCEL = (
    """mutation($id: ID!) { truckAppointmentCancel(id: $id) { appointment { state } errors { field code message } } }"""
)
ARRIVE = """mutation($w: String!, $p: String!) { truckAppointmentArrive(warehouse: $w, plate: $p) {
  appointment { state plate } errors { field code message } } }"""
PUBLISH = """mutation($input: TruckSlotsPublishInput!) { truckSlotsPublish(input: $input) {
  slots { startTime endTime } errors { field code message } } }"""


def slot_id(slot):
    return to_global_id("TruckSlot", slot.pk)


def book_input(into, receipts, **overrides):
    return {
        "input": {
            "slot": slot_id(into),
            "receipts": [r.number for r in receipts],
            "plate": "辽H·12345",
            "driverName": "张师傅",
            "driverPhone": "139 0417 0001",
            **overrides,
        }
    }


def test_booking_through_the_api_and_refusals(warehouse, receipt_factory, seller_member, trader_factory):
    client = GraphQLClient(token_for(trader_factory(seller_member)))
    slot = publish_day(warehouse, trucks=1)[0]
    receipt = receipt_factory(seller_member, net="20.000")
    bad = client.execute(BOOK, book_input(slot, [receipt], plate="H1"))
    assert bad["truckAppointmentBook"]["errors"][0]["code"] == "INVALID_PLATE"
    for hostile in ("NaN", "\x00", "辽H" + "1" * 30000):
        body = client.post(BOOK, book_input(slot, [receipt], driverPhone=hostile)).json()
        edge = [e["extensions"]["exception"]["code"] for e in body.get("errors") or []]  # refused at the edge
        payload = (body.get("data") or {}).get("truckAppointmentBook") or {"errors": []}
        assert edge == ["INVALID"] or [e["code"] for e in payload["errors"]] == ["INVALID_PHONE"], body
    result = client.execute(BOOK, book_input(slot, [receipt], slot="VHJ1Y2tTbG90Ojk5OTk5"))
    assert result["truckAppointmentBook"]["errors"][0]["code"] == "NOT_FOUND"
    assert TruckAppointment.objects.count() == 0
    data = client.execute(BOOK, book_input(slot, [receipt]))["truckAppointmentBook"]
    assert data["errors"] == [] and data["appointment"]["state"] == "BOOKED"
    assert data["appointment"]["plate"] == PLATE and data["appointment"]["tonnes"] == "20.000"
    full = client.execute(BOOK, book_input(slot, [receipt_factory(seller_member, net="1.000")], plate="辽H22222"))
    assert full["truckAppointmentBook"]["errors"][0]["code"] == "SLOT_FULL"
    chinese = GraphQLClient(client.token)
    chinese.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    zh = chinese.post(BOOK, book_input(slot, [receipt_factory(seller_member, net="1.000")], plate="辽H22222")).json()
    assert "已满" in zh["data"]["truckAppointmentBook"]["errors"][0]["message"]
    assert TruckAppointment.objects.count() == 1


def test_another_members_trader_cannot_cancel(warehouse, receipt_factory, seller_member, buyer_member, trader_factory):
    slot = publish_day(warehouse)[0]
    appointment = book(seller_member, slot, [receipt_factory(seller_member, net="5.000")])
    gid = to_global_id("TruckAppointment", appointment.pk)
    stranger = GraphQLClient(token_for(trader_factory(buyer_member)))
    data = stranger.execute(CANCEL, {"id": gid})["truckAppointmentCancel"]
    assert data["errors"][0]["code"] == "NOT_YOUR_APPOINTMENT"
    assert TruckAppointment.objects.get(pk=appointment.pk).state == AppointmentState.BOOKED
    no_grant = GraphQLClient(token_for(trader_factory(seller_member, can_settle=False)))
    assert (
        no_grant.post(CANCEL, {"id": gid}).json()["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    )
    owner = GraphQLClient(token_for(trader_factory(seller_member)))
    assert owner.execute(CANCEL, {"id": gid})["truckAppointmentCancel"]["appointment"]["state"] == "CANCELLED"


def test_slots_are_for_traders_staff_and_operators(
    warehouse, keeper, receipt_factory, seller_member, trader_factory, make_user, django_assert_max_num_queries
):
    publish_day(warehouse)
    variables = {"w": "HC01", "d": tomorrow().isoformat()}
    trader = GraphQLClient(token_for(trader_factory(seller_member)))
    with django_assert_max_num_queries(8):
        data = trader.execute(SLOTS, variables)["truckSlots"]
    assert data["totalCount"] == 4 and data["edges"][0]["node"]["freeTrucks"] == 2
    assert GraphQLClient(token_for(keeper)).execute(SLOTS, variables)["truckSlots"]["totalCount"] == 4
    assert GraphQLClient(token_for(make_user(Role.OPERATOR))).execute(SLOTS, variables)["truckSlots"]["totalCount"] == 4
    buyer = GraphQLClient(token_for(make_user(Role.BUYER))).post(SLOTS, variables).json()
    assert buyer["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert buyer["data"]["truckSlots"] is None


def test_each_member_sees_its_own_appointments_and_staff_their_warehouses(
    warehouse,
    other_warehouse,
    keeper,
    receipt_factory,
    seller_member,
    buyer_member,
    trader_factory,
    make_user,
    django_assert_max_num_queries,
):
    slots = publish_day(warehouse, trucks=5, tonnes="5000")
    for i, slot in enumerate(slots):
        book(seller_member, slot, [receipt_factory(seller_member, net="5.000") for _ in range(2)], plate=f"辽H1000{i}")
    book(buyer_member, slots[0], [receipt_factory(buyer_member, net="5.000")], plate="辽H20000")
    mine = GraphQLClient(token_for(trader_factory(seller_member)))
    with django_assert_max_num_queries(10):
        data = mine.execute(APPOINTMENTS)["truckAppointments"]
    assert data["totalCount"] == 4 and {e["node"]["memberName"] for e in data["edges"]} == {seller_member.name}
    assert all(len(e["node"]["receipts"]) == 2 for e in data["edges"])
    theirs = GraphQLClient(token_for(trader_factory(buyer_member))).execute(APPOINTMENTS)["truckAppointments"]
    assert theirs["totalCount"] == 1
    desk = GraphQLClient(token_for(keeper))
    with django_assert_max_num_queries(10):
        assert desk.execute(APPOINTMENTS, {"w": "HC01"})["truckAppointments"]["totalCount"] == 5
    other_keeper = make_user(Role.WAREHOUSE_OPERATOR)
    warehouse_staff_add(other_warehouse, other_keeper)
    refused = GraphQLClient(token_for(other_keeper)).post(APPOINTMENTS, {"w": "HC01"}).json()
    assert refused["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    stranger = GraphQLClient(token_for(trader_factory(buyer_member))).post(APPOINTMENTS, {"w": "HC01"}).json()
    assert stranger["data"]["truckAppointments"] is None


def test_staff_of_another_warehouse_cannot_publish_or_check_in(
    warehouse, other_warehouse, keeper, receipt_factory, seller_member, make_user
):
    other_keeper = make_user(Role.WAREHOUSE_OPERATOR)
    warehouse_staff_add(other_warehouse, other_keeper)
    day = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    publish = {
        "input": {
            "warehouse": "HC01",
            "date": day,
            "start": "08:00",
            "end": "10:00",
            "lengthMinutes": 60,
            "capacityTrucks": 3,
            "capacityTonnes": "300",
        }
    }
    before = TruckSlot.objects.count()
    outsider = GraphQLClient(token_for(other_keeper))
    assert outsider.execute(PUBLISH, publish)["truckSlotsPublish"]["errors"][0]["code"] == "NOT_WAREHOUSE_STAFF"
    assert outsider.execute(ARRIVE, {"w": "HC01", "p": PLATE})["truckAppointmentArrive"]["errors"][0]["code"] == (
        "NOT_WAREHOUSE_STAFF"
    )
    assert TruckSlot.objects.count() == before
    desk = GraphQLClient(token_for(keeper))
    for bad_time in ("25:00", "8", "\u0668:00", "noon", "08:00" * 9):
        body = desk.execute(PUBLISH, {"input": {**publish["input"], "start": bad_time}})["truckSlotsPublish"]
        assert body["errors"][0]["code"] == "INVALID_TIME", bad_time
    for tonnes, code in (("1e30", None), ("0", "INVALID_CAPACITY"), ("-5", "INVALID_CAPACITY")):
        body = desk.post(PUBLISH, {"input": {**publish["input"], "capacityTonnes": tonnes}}).json()
        if code is None:  # no column could hold it: refused at the edge
            assert body["errors"][0]["extensions"]["exception"]["code"] == "INVALID"
        else:
            assert body["data"]["truckSlotsPublish"]["errors"][0]["code"] == code
    assert TruckSlot.objects.count() == before
    slots = desk.execute(PUBLISH, publish)["truckSlotsPublish"]
    assert slots["errors"] == [] and [s["startTime"] for s in slots["slots"]] == ["08:00:00", "09:00:00"]
    assert desk.execute(PUBLISH, publish)["truckSlotsPublish"]["errors"][0]["code"] == "SLOT_OVERLAP"
    # The gate: now is inside a slot published around it; the truck checks in once.
    now = timezone.localtime()
    current = TruckSlot.objects.create(
        warehouse=warehouse,
        date=now.date(),
        start_time=dt.time(0, 0),
        end_time=dt.time(23, 59),
        capacity_trucks=2,
        capacity_tonnes="100",
    )
    book(seller_member, current, [receipt_factory(seller_member, net="5.000")])
    events = TruckAppointmentEvent.objects.count()
    assert desk.execute(ARRIVE, {"w": "HC01", "p": "辽H99999"})["truckAppointmentArrive"]["errors"][0]["code"] == (
        "NO_APPOINTMENT"
    )
    assert TruckAppointmentEvent.objects.count() == events
    arrived = desk.execute(ARRIVE, {"w": "HC01", "p": "辽h12345"})["truckAppointmentArrive"]
    assert arrived["errors"] == [] and arrived["appointment"]["state"] == "ARRIVED"
