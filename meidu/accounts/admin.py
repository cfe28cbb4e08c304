from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from meidu.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
    filter_horizontal = ["groups"]
