from django.contrib import admin

from marketplace.channels.models import Channel
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.cache_admin import BumpsCacheVersionsAdminMixin
from meidu.core.cache_versions import CHANNELS
from meidu.core.permissions import ChannelPermissions


@admin.register(Channel)
class ChannelAdmin(BumpsCacheVersionsAdminMixin, EnumPermissionAdminMixin, admin.ModelAdmin):
    cache_domains = (CHANNELS,)
    admin_permission = ChannelPermissions.MANAGE_CHANNELS
    allow_add = True
    list_display = ["name", "slug", "currency_code", "default_country", "is_active"]
