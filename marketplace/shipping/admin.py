"""Operators read delivery zones and the shops' shipping methods; they change through the
shipping services (delivery_zone_create, shipping_method_enable), so the screens are read-only."""

from django.contrib import admin

from marketplace.shipping.models import DeliveryZone, ShippingMethod
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import ChannelPermissions


class ReadOnlyShippingAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = ChannelPermissions.MANAGE_CHANNELS

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DeliveryZone)
class DeliveryZoneAdmin(ReadOnlyShippingAdmin):
    list_display = ("name", "kind", "base_fee_amount", "base_weight_grams", "fee_per_extra_kg_amount")
    filter_horizontal = ("towns",)


@admin.register(ShippingMethod)
class ShippingMethodAdmin(ReadOnlyShippingAdmin):
    list_display = ("name", "shop", "kind", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("shop",)
    raw_id_fields = ("shop",)
