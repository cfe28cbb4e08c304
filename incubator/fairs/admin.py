"""Staff read fairs and stalls here; they open fairs and decide stalls on the fair page or the API
(incubator.fairs.services), never by editing rows."""

from django.contrib import admin

from incubator.fairs.models import Fair, FairStall
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import FarmPermissions


@admin.register(Fair)
class FairAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = FarmPermissions.MANAGE_FAIRS
    list_display = ["title", "starts_on", "ends_on"]
    readonly_fields = [field.name for field in Fair._meta.fields]


@admin.register(FairStall)
class FairStallAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = FarmPermissions.MANAGE_FAIRS
    list_display = ["fair", "shop", "town", "status", "created_at"]
    list_select_related = ["fair", "shop", "town"]
    readonly_fields = [field.name for field in FairStall._meta.fields]
