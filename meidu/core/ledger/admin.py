from django.contrib import admin

from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.ledger.models import LedgerAccount, LedgerPosting, LedgerTransaction
from meidu.core.permissions import LedgerPermissions


class PostingInline(admin.TabularInline):
    model = LedgerPosting
    extra = 0
    can_delete = False
    readonly_fields = ["account", "amount", "currency", "created_at"]


@admin.register(LedgerAccount)
class LedgerAccountAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = LedgerPermissions.VIEW_LEDGER
    list_display = ["code", "name", "currency", "allow_negative", "created_at"]
    search_fields = ["code", "name"]

    def has_change_permission(self, request, obj=None):
        return False  # accounts are opened by services; their rules must not change under postings


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = LedgerPermissions.VIEW_LEDGER
    list_display = ["id", "description", "reference", "actor", "created_at"]
    search_fields = ["reference", "description"]
    inlines = [PostingInline]

    def has_change_permission(self, request, obj=None):
        return False
