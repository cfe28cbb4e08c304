"""Incubator staff read the supply pool here (offers and their events); offers change only through the
supplier's named actions and supplyOfferReview, never by editing rows."""

from django.contrib import admin

from incubator.supply.models import SupplyOffer, SupplyOfferEvent
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import DistributionPermissions


class SupplyOfferEventInline(admin.TabularInline):
    model = SupplyOfferEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_state", "to_state", "actor", "data", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SupplyOffer)
class SupplyOfferAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = DistributionPermissions.MANAGE_SUPPLY_POOL
    list_display = ["id", "supplier_shop", "variant", "supply_price", "min_retail_price", "max_retail_price", "state"]
    list_filter = ["state", "commission_kind"]
    list_select_related = ["supplier_shop", "variant__product"]
    readonly_fields = [field.name for field in SupplyOffer._meta.fields]
    inlines = [SupplyOfferEventInline]
