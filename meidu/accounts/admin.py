from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from meidu.accounts.models import User
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
