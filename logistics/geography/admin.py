"""Operators read the county's towns and villages (loaded by geography_load_county, which the
delivery zones and addresses point at), so the screens are read-only."""

from django.contrib import admin

from logistics.geography.models import Town, Village
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import ChannelPermissions


class ReadOnlyGeographyAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = ChannelPermissions.MANAGE_CHANNELS

    def has_change_permission(self, request, obj=None):
        return False


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return True

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Town)
class TownAdmin(ReadOnlyGeographyAdmin):
    list_display = ["code", "name", "name_en", "county"]
    inlines = [VillageInline]


@admin.register(Village)
class VillageAdmin(ReadOnlyGeographyAdmin):
    list_display = ["code", "name", "town"]
    list_filter = ["town"]
    list_select_related = ["town"]
    search_fields = ["name", "code"]
