from django.contrib import admin

from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.audit.models import AuditEvent
from meidu.core.permissions import AuditPermissions


@admin.register(AuditEvent)
class AuditEventAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = AuditPermissions.VIEW_AUDIT_LOG
    list_display = ["created_at", "action", "actor_user", "actor_app", "target_type", "target_id", "ip_address"]
    list_filter = ["action"]
    search_fields = ["action", "target_id"]

    def has_change_permission(self, request, obj=None):
        return False
