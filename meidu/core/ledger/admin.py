from django.contrib import admin

from meidu.core.ledger.models import LedgerAccount, LedgerPosting, LedgerTransaction


class PostingInline(admin.TabularInline):
    model = LedgerPosting
    extra = 0
    can_delete = False
    readonly_fields = ["account", "amount", "currency", "created_at"]


@admin.register(LedgerAccount)
class LedgerAccountAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "currency", "allow_negative", "created_at"]
    search_fields = ["code", "name"]


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(admin.ModelAdmin):
    list_display = ["id", "description", "reference", "actor", "created_at"]
    search_fields = ["reference", "description"]
    inlines = [PostingInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
