"""Operators read complaints and their timelines here; handling goes through the API's services."""

from django.contrib import admin

from marketplace.complaints.models import Complaint, ComplaintEvent
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import ComplaintPermissions


class EventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    readonly_fields = ["type", "actor_kind", "user", "data", "created_at"]


@admin.register(Complaint)
class ComplaintAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = ComplaintPermissions.MANAGE_COMPLAINTS
    list_display = [
        "id",
        "shop",
        "order",
        "category",
        "status",
        "due_at",
        "resolution",
        "handling_rating",
        "created_at",
    ]
    list_filter = ["status", "category", "resolution"]
    list_select_related = ["shop", "order"]
    readonly_fields = [field.name for field in Complaint._meta.fields]
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None):
        return False  # read-only: every step is a service call that writes its event
