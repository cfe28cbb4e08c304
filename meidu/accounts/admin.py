from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from meidu.accounts.models import PhoneCode, User
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import AccountPermissions


@admin.register(User)
class UserAdmin(EnumPermissionAdminMixin, DjangoUserAdmin):
    """Roles are granted through userRolesUpdate (audited), so groups are read-only here."""

    admin_permission = AccountPermissions.MANAGE_USERS
    readonly_fields = ["groups", "is_staff", "is_superuser", "last_login", "date_joined", "password"]
    ordering = ["id"]
    list_display = ["id", "phone", "email", "last_name", "first_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["phone", "email", "last_name", "first_name"]
    fieldsets = [
        (None, {"fields": ["phone", "email", "password"]}),
        ("Profile", {"fields": ["last_name", "first_name", "language_code"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["phone", "email", "password1", "password2"]})]


@admin.register(PhoneCode)
class PhoneCodeAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    """Operators read who asked for codes and how they were tried (never the code: only its HMAC is kept,
    and it is not shown); nothing here is editable."""

    admin_permission = AccountPermissions.MANAGE_USERS
    list_display = [
        "id",
        "masked_phone",
        "purpose",
        "created_at",
        "expires_at",
        "sent",
        "attempts",
        "used_at",
        "ip_address",
    ]
    list_filter = ["purpose", "sent"]
    search_fields = ["phone"]
    fields = ["phone", "purpose", "created_at", "expires_at", "sent", "attempts", "used_at", "ip_address"]
    readonly_fields = fields

    @admin.display(description="phone")
    def masked_phone(self, obj):
        return f"{obj.phone[:6]}****{obj.phone[-4:]}"

    def has_change_permission(self, request, obj=None):
        return False
