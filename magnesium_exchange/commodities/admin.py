from django.contrib import admin

from magnesium_exchange.commodities.models import Commodity, Grade
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.cache_admin import BumpsCacheVersionsAdminMixin
from meidu.core.cache_versions import MAGNESIA_PRICES
from meidu.core.permissions import ExchangePermissions


class GradeInline(admin.StackedInline):
    model = Grade
    extra = 0


@admin.register(Commodity)
class CommodityAdmin(BumpsCacheVersionsAdminMixin, EnumPermissionAdminMixin, admin.ModelAdmin):
    """Operators adjust steps, ticks and grade ranges; grades in use are never deleted (PROTECT).
    Names and activity show on the public price page (MAGNESIA_PRICES)."""

    cache_domains = (MAGNESIA_PRICES,)

    admin_permission = ExchangePermissions.MANAGE_EXCHANGE
    allow_add = True
    list_display = ["code", "name", "kind", "quantity_step", "min_quantity", "price_tick", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    inlines = [GradeInline]


@admin.register(Grade)
class GradeAdmin(BumpsCacheVersionsAdminMixin, EnumPermissionAdminMixin, admin.ModelAdmin):
    cache_domains = (MAGNESIA_PRICES,)
    admin_permission = ExchangePermissions.MANAGE_EXCHANGE
    list_display = ["code", "name", "commodity", "rank", "mgo_min", "sio2_max", "cao_max", "is_active"]
    list_filter = ["commodity", "is_active"]
    search_fields = ["code", "name"]
