"""GraphQL of bulk freight: the truck slots of a warehouse, appointments (a trader's own, or a
warehouse's for its staff), and the mutations truckSlotsPublish (staff), truckAppointmentBook and
truckAppointmentCancel (traders with the settlement grant: taking delivery is settlement's business),
truckAppointmentArrive (the gate, staff). Each parses, checks who may, calls one service."""

from __future__ import annotations

import datetime as dt

import graphene
from django.utils import timezone
from django.utils.translation import gettext as _

from magnesium_exchange.members.access import require_trader
from magnesium_exchange.members.selectors import trader_for_user
from magnesium_exchange.warehouses import services
from magnesium_exchange.warehouses.access import require_staff
from magnesium_exchange.warehouses.api import ExchangeWarehouseType, WeighbridgeTicketType
from magnesium_exchange.warehouses.appointments import AppointmentState, TruckAppointment, TruckSlot
from magnesium_exchange.warehouses.error_codes import FreightErrorCode as Code
from magnesium_exchange.warehouses.models import Warehouse
from magnesium_exchange.warehouses.selectors import (
    receipt_get_by_number,
    truck_appointment_list,
    truck_slot_list,
    warehouse_get_by_code,
    warehouse_ids_of_staff,
)
from magnesium_exchange.warehouses.services.freight import MAX_RECEIPTS_PER_TRUCK
from meidu.core.errors import DomainError, PermissionDenied
from meidu.core.graphql.connection import CountableConnection, SortKey, paginate
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.mutations import BaseMutation, graphene_enum
from meidu.core.graphql.permissions import has_one_of, requestor, require_user
from meidu.core.graphql.types import ModelObjectType
from meidu.core.permissions import ExchangePermissions

TruckAppointmentStateEnum = graphene_enum(AppointmentState, name="TruckAppointmentState")


class TruckSlotType(ModelObjectType):
    warehouse = graphene.Field(ExchangeWarehouseType, required=True)
    capacity_tonnes = graphene.String(required=True, description="Tonnes, three decimals.")
    booked_tonnes = graphene.String(required=True)
    free_trucks = graphene.Int(required=True)
    free_tonnes = graphene.String(required=True)
    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)

    batched_selects = {"warehouse": "warehouse"}

    class Meta:
        model = TruckSlot
        name = "TruckSlot"
        fields = ["id", "date", "start_time", "end_time", "capacity_trucks", "booked_trucks"]

    @staticmethod
    def resolve_capacity_tonnes(root, info):
        return str(root.capacity_tonnes)

    @staticmethod
    def resolve_booked_tonnes(root, info):
        return str(root.booked_tonnes)

    @staticmethod
    def resolve_free_trucks(root, info):
        return max(root.free_trucks, 0)

    @staticmethod
    def resolve_free_tonnes(root, info):
        return str(max(root.free_tonnes, 0))

    @staticmethod
    def resolve_starts_at(root, info):
        return root.starts_at

    @staticmethod
    def resolve_ends_at(root, info):
        return root.ends_at


class TruckSlotCountableConnection(CountableConnection):
    class Meta:
        node = TruckSlotType


class TruckAppointmentReceiptType(graphene.ObjectType):
    receipt_number = graphene.String(required=True)
    quantity = graphene.String(required=True, description="Tonnes on the receipt when booked.")
    outbound_ticket = graphene.Field(WeighbridgeTicketType, description="Once weighed out.")

    class Meta:
        name = "TruckAppointmentReceipt"


class TruckAppointmentEventType(graphene.ObjectType):
    action = graphene.String(required=True)
    from_state = graphene.String(required=True)
    to_state = graphene.String(required=True)
    happened_at = graphene.DateTime(required=True)

    class Meta:
        name = "TruckAppointmentEvent"


class TruckAppointmentType(ModelObjectType):
    state = graphene.Field(
        TruckAppointmentStateEnum, required=True, description="A booking past its window reads as NO_SHOW."
    )
    plate_display = graphene.String(required=True, description="辽H·12345")
    tonnes = graphene.String(required=True)
    slot = graphene.Field(TruckSlotType, required=True)
    warehouse = graphene.Field(ExchangeWarehouseType, required=True)
    member_name = graphene.String(required=True)
    receipts = graphene.List(graphene.NonNull(TruckAppointmentReceiptType), required=True)
    events = graphene.List(graphene.NonNull(TruckAppointmentEventType), required=True)

    batched_fields = {"events": "events"}

    class Meta:
        model = TruckAppointment
        name = "TruckAppointment"
        fields = ["id", "plate", "driver_name", "driver_phone", "created_at"]

    @staticmethod
    def resolve_state(root, info):
        return AppointmentState(root.state_at())

    @staticmethod
    def resolve_plate_display(root, info):
        return root.plate_display

    @staticmethod
    def resolve_tonnes(root, info):
        return str(root.tonnes)

    @staticmethod
    def resolve_member_name(root, info):
        return root.member.name

    @staticmethod
    def resolve_receipts(root, info):
        return [
            TruckAppointmentReceiptType(
                receipt_number=line.receipt.number, quantity=str(line.quantity), outbound_ticket=line.outbound_ticket
            )
            for line in root.lines.all()  # prefetched with receipt and ticket (truck_appointment_list)
        ]

    @staticmethod
    def resolve_events(root, info):
        return [
            TruckAppointmentEventType(
                action=e.action, from_state=e.from_state, to_state=e.to_state, happened_at=e.happened_at
            )
            for e in root.events.all()
        ]


class TruckAppointmentCountableConnection(CountableConnection):
    class Meta:
        node = TruckAppointmentType


def _warehouse(code) -> Warehouse:
    warehouse = warehouse_get_by_code((code or "").strip()[:12]) if isinstance(code, str) else None
    if warehouse is None:
        raise DomainError(_("Warehouse not found"), Code.NOT_FOUND, field="warehouse")
    return warehouse


def _is_operator(info) -> bool:
    return has_one_of(requestor(info), [ExchangePermissions.MANAGE_EXCHANGE])


def _may_see_warehouse(info, warehouse: Warehouse) -> bool:
    if _is_operator(info):
        return True
    return not getattr(info.context, "app", None) and warehouse.pk in warehouse_ids_of_staff(info.context.user)


class FreightQueries(graphene.ObjectType):
    truck_slots = graphene.relay.ConnectionField(
        TruckSlotCountableConnection,
        warehouse=graphene.String(required=True, description="Warehouse code."),
        date=graphene.Date(description="One day; without it, the slots not yet over."),
        description="A warehouse's truck slots with what is free: for traders, its staff and operators.",
    )
    truck_appointments = graphene.relay.ConnectionField(
        TruckAppointmentCountableConnection,
        warehouse=graphene.String(description="Warehouse code: that warehouse's appointments (its staff, operators)."),
        date=graphene.Date(),
        description="Without a warehouse, the caller's member's truck appointments (traders).",
    )

    @staticmethod
    def resolve_truck_slots(root, info, warehouse, date=None, **kwargs):
        user = require_user(info)
        found = Warehouse.objects.filter(code=str(warehouse).strip().upper()[:12]).first()
        is_trader = trader_for_user(user) is not None and not getattr(info.context, "app", None)
        if not (is_trader or _is_operator(info) or (found is not None and _may_see_warehouse(info, found))):
            raise PermissionDenied(message=_("Only traders, the warehouse's staff and operators see its slots"))
        if found is None:
            raise DomainError(_("Warehouse not found"), Code.NOT_FOUND, field="warehouse")
        qs = truck_slot_list(warehouse=found, day=date, upcoming=date is None)
        sort = [SortKey("date"), SortKey("start_time")]
        return paginate(qs, info, TruckSlotCountableConnection, sort=sort, **kwargs)

    @staticmethod
    def resolve_truck_appointments(root, info, warehouse=None, date=None, **kwargs):
        if warehouse is not None:
            require_user(info)
            found = Warehouse.objects.filter(code=str(warehouse).strip().upper()[:12]).first()
            if found is None or not _may_see_warehouse(info, found):
                raise PermissionDenied(message=_("Only this warehouse's staff and operators see its appointments"))
            qs = truck_appointment_list(warehouse=found, day=date)
        else:
            trader = require_trader(info)
            qs = truck_appointment_list(member=trader.member, day=date)
        sort = [SortKey("slot__date"), SortKey("slot__start_time")]
        return paginate(qs, info, TruckAppointmentCountableConnection, sort=sort, **kwargs)


# --- mutations ------------------------------------------------------------------------------------


class FreightMutation(BaseMutation):
    default_error_code_enum = Code
    default_error_type_name = "FreightError"

    class Meta:
        abstract = True


class TruckSlotsPublishInput(graphene.InputObjectType):
    warehouse = graphene.String(required=True, description="Warehouse code.")
    date = graphene.Date(required=True)
    start = graphene.String(required=True, description="Start of the first slot, HH:MM (Beijing time).")
    end = graphene.String(required=True, description="End of the last slot, HH:MM.")
    length_minutes = graphene.Int(required=True, description="15 to 720; must divide end - start.")
    capacity_trucks = graphene.Int(required=True, description="Trucks per slot.")
    capacity_tonnes = graphene.Decimal(required=True, description="Tonnes per slot.")


def _time(value, field: str) -> dt.time:
    """HH:MM (or HH:MM:SS) of a day; anything else is INVALID_TIME."""
    text = value.strip() if isinstance(value, str) else ""
    try:
        if not 4 <= len(text) <= 8:
            raise ValueError(text)
        return dt.time.fromisoformat(text)
    except ValueError:
        raise DomainError(_("Enter a time of day as HH:MM"), Code.INVALID_TIME, field=field) from None


class TruckSlotsPublish(FreightMutation):
    slots = graphene.List(graphene.NonNull(TruckSlotType))

    class Arguments:
        input = TruckSlotsPublishInput(required=True)

    class Meta:
        description = "Publish a day's truck slots at a warehouse (its staff)."
        permissions = [ExchangePermissions.MANAGE_WAREHOUSE_RECEIPTS]

    @classmethod
    def perform_mutation(cls, root, info, input):
        warehouse = _warehouse(input["warehouse"])
        require_staff(info, warehouse)
        slots = services.truck_slots_publish(
            warehouse,
            day=input["date"],
            start=_time(input["start"], "start"),
            end=_time(input["end"], "end"),
            length_minutes=input["length_minutes"],
            capacity_trucks=input["capacity_trucks"],
            capacity_tonnes=input["capacity_tonnes"],
            actor=requestor(info),
        )
        return cls(errors=[], slots=slots)


class TruckAppointmentBookInput(graphene.InputObjectType):
    slot = graphene.ID(required=True)
    receipts = graphene.List(graphene.NonNull(graphene.String), required=True, description="Receipt numbers.")
    plate = graphene.String(required=True, description="Chinese plate, e.g. 辽H12345 or 辽H·D12345.")
    driver_name = graphene.String(required=True)
    driver_phone = graphene.String(required=True, description="Mainland mobile number.")


class AppointmentMutation(FreightMutation):
    appointment = graphene.Field(TruckAppointmentType)

    class Meta:
        abstract = True


def _appointment(appointment: TruckAppointment) -> TruckAppointment | None:
    return truck_appointment_list().filter(pk=appointment.pk).first()


class TruckAppointmentBook(AppointmentMutation):
    class Arguments:
        input = TruckAppointmentBookInput(required=True)

    class Meta:
        description = "Book a truck into a slot to take out the goods of your member's receipts."

    @classmethod
    def perform_mutation(cls, root, info, input):
        trader = require_trader(info, "can_settle")
        slot = get_node_or_error(TruckSlot, input["slot"], "TruckSlot", field="slot")
        numbers = input["receipts"] or []
        if len(numbers) > MAX_RECEIPTS_PER_TRUCK:
            raise DomainError(_("Too many receipts for one truck"), Code.INVALID, field="receipts")
        receipts = []
        for number in numbers:
            receipt = receipt_get_by_number(number[:40])
            if receipt is None:
                raise DomainError(_("Receipt not found"), Code.NOT_FOUND, field="receipts")
            receipts.append(receipt)
        appointment = services.truck_appointment_book(
            member=trader.member,
            slot=slot,
            receipts=receipts,
            plate=input["plate"],
            driver_name=input["driver_name"],
            driver_phone=input["driver_phone"],
            actor=trader.user,
        )
        return cls(errors=[], appointment=_appointment(appointment))


class TruckAppointmentCancel(AppointmentMutation):
    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Cancel your member's truck appointment before its slot starts."

    @classmethod
    def perform_mutation(cls, root, info, id):
        trader = require_trader(info, "can_settle")
        appointment = get_node_or_error(TruckAppointment, id, "TruckAppointment")
        appointment = services.truck_appointment_cancel(appointment, member=trader.member, actor=trader.user)
        return cls(errors=[], appointment=_appointment(appointment))


class TruckAppointmentArrive(AppointmentMutation):
    class Arguments:
        warehouse = graphene.String(required=True, description="Warehouse code.")
        plate = graphene.String(required=True)

    class Meta:
        description = "Check a truck in at the gate by its plate (the warehouse's staff)."
        permissions = [ExchangePermissions.MANAGE_WAREHOUSE_RECEIPTS]

    @classmethod
    def perform_mutation(cls, root, info, warehouse, plate):
        found = _warehouse(warehouse)
        require_staff(info, found)
        appointment = services.truck_appointment_arrive(found, plate=plate, actor=requestor(info), now=timezone.now())
        return cls(errors=[], appointment=_appointment(appointment))


class FreightMutations(graphene.ObjectType):
    truck_slots_publish = TruckSlotsPublish.Field()
    truck_appointment_book = TruckAppointmentBook.Field()
    truck_appointment_cancel = TruckAppointmentCancel.Field()
    truck_appointment_arrive = TruckAppointmentArrive.Field()
