from django.contrib import admin

from magnesium_exchange.marketdata.models import DailyBar, ReferencePrice, TradePrint
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import ExchangePermissions


@admin.register(TradePrint)
class TradePrintAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    """Read-only: prints come from trades only."""

    admin_permission = ExchangePermissions.MANAGE_EXCHANGE

    def has_change_permission(self, request, obj=None):
        return False  # views only: every write goes through the services

    list_display = ["executed_at", "grade", "price", "quantity", "reference"]
    list_filter = ["grade", "trade_day"]
    search_fields = ["reference"]


@admin.register(DailyBar)
class DailyBarAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = ExchangePermissions.MANAGE_EXCHANGE

    def has_change_permission(self, request, obj=None):
        return False  # views only: every write goes through the services

    list_display = ["day", "grade", "open", "high", "low", "close", "vwap", "volume", "trade_count"]
    list_filter = ["grade"]


@admin.register(ReferencePrice)
class ReferencePriceAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    """Read-only here: operators set reference prices through referencePriceSet (audited, with a reason)."""

    admin_permission = ExchangePermissions.MANAGE_EXCHANGE

    def has_change_permission(self, request, obj=None):
        return False  # views only: every write goes through the services

    list_display = ["day", "grade", "price", "source", "reason", "set_by"]
    list_filter = ["grade", "source"]
