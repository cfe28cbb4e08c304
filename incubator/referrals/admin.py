"""Staff only: who each order sold through a distributor credits and why (the attribution is shown to
nobody else), and the buyers' bindings. Read-only: attribution is written once, at order placement."""

from django.contrib import admin

from incubator.referrals.models import BuyerBinding, OrderAttribution
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import DistributionPermissions


@admin.register(OrderAttribution)
class OrderAttributionAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = DistributionPermissions.MANAGE_SUPPLY_POOL
    list_display = ["order", "reseller_shop", "credited_shop", "bound_shop", "rule", "created_at"]
    list_filter = ["rule"]
    list_select_related = ["order", "reseller_shop", "credited_shop", "bound_shop"]
    readonly_fields = [field.name for field in OrderAttribution._meta.fields]


@admin.register(BuyerBinding)
class BuyerBindingAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = DistributionPermissions.MANAGE_SUPPLY_POOL
    list_display = ["buyer", "distributor_shop", "bound_at", "protected_until", "expires_at"]
    list_select_related = ["buyer", "distributor_shop"]
    readonly_fields = [field.name for field in BuyerBinding._meta.fields]
