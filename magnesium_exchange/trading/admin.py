"""Operator screens of trading: read-only (every write goes through the services, and the journal is
append-only)."""

from django.contrib import admin

from magnesium_exchange.trading.models import Auction, Contract, JournalEntry, Listing, Rfq, Trade, TradingHoliday
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import ExchangePermissions


class _ReadOnly(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = ExchangePermissions.MANAGE_EXCHANGE

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(Listing)
class ListingAdmin(_ReadOnly):
    list_display = ["id", "side", "owner", "grade", "price", "quantity", "remaining", "status", "created_at"]
    list_filter = ["side", "status", "grade"]


@admin.register(Auction)
class AuctionAdmin(_ReadOnly):
    list_display = ["id", "kind", "initiator", "grade", "quantity", "best_price", "bid_count", "status", "ends_at"]
    list_filter = ["kind", "status"]


@admin.register(Rfq)
class RfqAdmin(_ReadOnly):
    list_display = ["id", "side", "requester", "grade", "quantity", "remaining", "status", "expires_at"]


@admin.register(JournalEntry)
class JournalEntryAdmin(_ReadOnly):
    list_display = ["aggregate_type", "aggregate_pk", "seq", "event_type", "created_at"]
    list_filter = ["aggregate_type", "event_type"]


@admin.register(Trade)
class TradeAdmin(_ReadOnly):
    list_display = ["engine_trade_id", "mode", "buyer", "seller", "grade", "price", "quantity", "value", "executed_at"]
    list_filter = ["mode", "grade"]
    search_fields = ["engine_trade_id", "buyer__name", "seller__name"]


@admin.register(Contract)
class ContractAdmin(_ReadOnly):
    list_display = ["number", "buyer_name", "seller_name", "created_at"]
    search_fields = ["number", "buyer_name", "seller_name"]


@admin.register(TradingHoliday)
class TradingHolidayAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    """The calendar operators keep: the weekdays the exchange is closed (T+n skips them)."""

    admin_permission = ExchangePermissions.MANAGE_EXCHANGE
    list_display = ["date", "name"]
    date_hierarchy = "date"
