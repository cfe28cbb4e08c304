"""Staff keep the board's reference data (markets, produce items and their aliases: plain data with no
rule behind it) and read the observations and alerts (written only through incubator.prices.services).
Edits of markets and items show on the public board: they bump FARM_PRICES."""

from django.contrib import admin

from incubator.prices.models import Market, PriceAlert, PriceObservation, ProduceAlias, ProduceItem
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.cache_admin import BumpsCacheVersionsAdminMixin
from meidu.core.cache_versions import FARM_PRICES
from meidu.core.permissions import FarmPermissions


class ProduceAliasInline(admin.TabularInline):
    model = ProduceAlias
    extra = 1

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm(FarmPermissions.REPORT_PRICES.value)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(FarmPermissions.REPORT_PRICES.value)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(FarmPermissions.REPORT_PRICES.value)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(FarmPermissions.REPORT_PRICES.value)


@admin.register(ProduceItem)
class ProduceItemAdmin(BumpsCacheVersionsAdminMixin, EnumPermissionAdminMixin, admin.ModelAdmin):
    cache_domains = (FARM_PRICES,)
    admin_permission = FarmPermissions.REPORT_PRICES
    allow_add = True
    list_display = ["code", "name", "name_en", "unit", "position"]
    inlines = [ProduceAliasInline]


@admin.register(Market)
class MarketAdmin(BumpsCacheVersionsAdminMixin, EnumPermissionAdminMixin, admin.ModelAdmin):
    cache_domains = (FARM_PRICES,)
    admin_permission = FarmPermissions.REPORT_PRICES
    allow_add = True
    list_display = ["code", "name", "kind", "town", "position"]


@admin.register(PriceObservation)
class PriceObservationAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = FarmPermissions.REPORT_PRICES
    list_display = ["day", "item", "market", "price", "grade", "source", "sales_count", "confirmed_outlier"]
    list_filter = ["source", "market", "confirmed_outlier"]
    list_select_related = ["item", "market"]
    readonly_fields = [field.name for field in PriceObservation._meta.fields]


@admin.register(PriceAlert)
class PriceAlertAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = FarmPermissions.REPORT_PRICES
    list_display = ["id", "item", "direction", "threshold", "fired_count", "last_fired_at"]
    list_select_related = ["item"]
    readonly_fields = [field.name for field in PriceAlert._meta.fields]
