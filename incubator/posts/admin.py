"""Staff read the supply and demand posts and their matches (written only through the services)."""

from django.contrib import admin

from incubator.posts.models import ContactRequest, SupplyDemandPost
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import FarmPermissions


@admin.register(SupplyDemandPost)
class SupplyDemandPostAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = FarmPermissions.POST_FOR_VILLAGERS
    list_display = ["id", "side", "item", "quantity", "quantity_unit", "town", "window_end", "status", "on_behalf_of"]
    list_filter = ["side", "status", "item"]
    list_select_related = ["item", "town"]
    readonly_fields = [field.name for field in SupplyDemandPost._meta.fields]


@admin.register(ContactRequest)
class ContactRequestAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = FarmPermissions.POST_FOR_VILLAGERS
    list_display = ["id", "post", "requester", "status", "created_at"]
    readonly_fields = [field.name for field in ContactRequest._meta.fields]
