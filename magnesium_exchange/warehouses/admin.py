"""Operator and supervisor screens: warehouses, tickets, receipts with their signed events, alerts.
Receipts and events are read-only here; every change goes through the services (signed, chained)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from magnesium_exchange.warehouses.models import (
    Receipt,
    ReceiptEvent,
    TruckAppointment,
    TruckAppointmentEvent,
    TruckAppointmentReceipt,
    TruckSlot,
    Warehouse,
    WarehouseAlert,
    WarehouseKey,
    WarehouseStaff,
    WeighbridgeTicket,
)
from magnesium_exchange.warehouses.services import warehouse_key_rotate
from magnesium_exchange.warehouses.verification import receipt_verify
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import ExchangePermissions


class ReadOnlyMixin(EnumPermissionAdminMixin):
    admin_permission = ExchangePermissions.MANAGE_WAREHOUSE_RECEIPTS

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


class KeyInline(admin.TabularInline):
    model = WarehouseKey
    extra = 0
    can_delete = False
    fields = ["kid", "public_key", "is_active", "created_at", "retired_at"]
    readonly_fields = fields


class StaffInline(admin.TabularInline):
    model = WarehouseStaff
    extra = 0
    readonly_fields = ["user", "created_at"]


@admin.action(description=_("Rotate the seal key of selected warehouses"))
def rotate_keys(modeladmin, request, queryset):
    for warehouse in queryset:
        warehouse_key_rotate(warehouse, actor=request.user)
    modeladmin.message_user(request, f"Rotated {queryset.count()} key(s)", messages.SUCCESS)


@admin.register(Warehouse)
class WarehouseAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = ExchangePermissions.MANAGE_EXCHANGE
    list_display = ["code", "name", "keeper_name", "supervisor_name", "loss_tolerance_percent", "is_active"]
    search_fields = ["code", "name", "keeper_name"]
    readonly_fields = ["code", "receipt_seq", "ticket_seq", "created_at"]
    inlines = [KeyInline, StaffInline]
    actions = [rotate_keys]


@admin.register(WeighbridgeTicket)
class WeighbridgeTicketAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "warehouse", "direction", "commodity", "grade", "gross", "tare", "net", "weighed_at"]
    list_filter = ["direction", "warehouse"]
    search_fields = ["number", "vehicle_plate", "lot_no"]


class EventInline(admin.TabularInline):
    model = ReceiptEvent
    extra = 0
    can_delete = False
    fields = ["seq", "action", "occurred_at", "actor_user", "actor_app", "kid", "hash"]
    readonly_fields = fields


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "warehouse", "commodity", "grade", "quantity", "holder", "status", "issued_at"]
    list_filter = ["status", "warehouse", "commodity"]
    search_fields = ["number", "holder__name", "lot_no"]
    inlines = [EventInline]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "chain_verification"]

    @admin.display(description=_("Signed history"))
    def chain_verification(self, receipt):
        result = receipt_verify(receipt)
        return "✔ valid" if result.valid else "✘ " + "; ".join(result.problems)


@admin.register(WarehouseAlert)
class WarehouseAlertAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "warehouse", "receipt", "kind", "message", "resolved_at"]
    list_filter = ["kind", "warehouse"]


# Bulk freight: read-only here; slots are published and appointments moved only through the services.


@admin.register(TruckSlot)
class TruckSlotAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["date", "start_time", "end_time", "warehouse", "booked_trucks", "capacity_trucks", "booked_tonnes"]
    list_filter = ["warehouse", "date"]


class TruckLineInline(admin.TabularInline):
    model = TruckAppointmentReceipt
    extra = 0
    can_delete = False
    fields = ["receipt", "quantity", "live", "outbound_ticket"]
    readonly_fields = fields


class TruckEventInline(admin.TabularInline):
    model = TruckAppointmentEvent
    extra = 0
    can_delete = False
    fields = ["action", "from_state", "to_state", "actor", "happened_at", "data"]
    readonly_fields = fields


@admin.register(TruckAppointment)
class TruckAppointmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["plate", "slot", "warehouse", "member", "tonnes", "state", "driver_name"]
    list_filter = ["state", "warehouse"]
    search_fields = ["plate", "driver_name", "member__name"]
    inlines = [TruckLineInline, TruckEventInline]
