"""Operator screen of settlements: read-only (payments and defaults go through the services)."""

from django.contrib import admin

from magnesium_exchange.settlement.models import Settlement
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import ExchangePermissions


@admin.register(Settlement)
class SettlementAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = ExchangePermissions.MANAGE_EXCHANGE
    list_display = ["id", "trade", "buyer", "seller", "balance_due", "due_at", "status", "settled_at"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Settlement._meta.fields]
