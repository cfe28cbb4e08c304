"""Operators read harvest pre-sale campaigns; opening and harvesting go through the presale
services (presaleCampaignOpen, presaleHarvest), so the screen is read-only."""

from django.contrib import admin

from marketplace.presale.models import PresaleCampaign
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import ProductPermissions


@admin.register(PresaleCampaign)
class PresaleCampaignAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = ProductPermissions.MANAGE_PRODUCTS
    list_display = (
        "variant",
        "channel",
        "deposit_percent",
        "expected_quantity",
        "harvest_expected_on",
        "status",
        "harvested_quantity",
    )
    list_filter = ("status", "channel")
    list_select_related = ("variant__product", "channel")
    raw_id_fields = ("variant",)

    def has_change_permission(self, request, obj=None):
        return False
