"""Staff read distributors' picks and the frozen distributed lines here; both change only through services."""

from django.contrib import admin

from incubator.distribution.models import DistributedLine, DistributionPick
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import DistributionPermissions


@admin.register(DistributionPick)
class DistributionPickAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = DistributionPermissions.MANAGE_SUPPLY_POOL
    list_display = ["id", "distributor_shop", "offer", "retail_price", "state", "reason"]
    list_filter = ["state", "reason"]
    list_select_related = ["distributor_shop", "offer"]
    readonly_fields = [field.name for field in DistributionPick._meta.fields]


@admin.register(DistributedLine)
class DistributedLineAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = DistributionPermissions.MANAGE_SUPPLY_POOL
    list_display = [
        "order",
        "distributor_shop",
        "supplier_shop",
        "quantity",
        "retail_unit_price",
        "commission_amount",
        "attributed_shop",
        "attribution_rule",
    ]
    list_filter = ["attribution_rule", "self_purchase"]
    list_select_related = ["order", "distributor_shop", "supplier_shop", "attributed_shop"]
    readonly_fields = [field.name for field in DistributedLine._meta.fields]
