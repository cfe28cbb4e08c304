"""Operator screens (read only): commission rules history, lines and payout holds. Rule changes go
through the commissionSettingsChange mutation or the rules page (services refuse unlawful rules)."""

from django.contrib import admin

from incubator.commission.models import CommissionLine, CommissionPayoutHold, CommissionSettings
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import CommissionPermissions


class ReadOnlyAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = CommissionPermissions.MANAGE_COMMISSION

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CommissionSettings)
class CommissionSettingsAdmin(ReadOnlyAdmin):
    list_display = ["id", "levels", "self_purchase_commission", "created_by", "created_at"]


@admin.register(CommissionLine)
class CommissionLineAdmin(ReadOnlyAdmin):
    list_display = ["id", "distributor", "order", "amount", "status", "pending_amount", "earned_amount", "paid_amount"]
    list_filter = ["status"]


@admin.register(CommissionPayoutHold)
class CommissionPayoutHoldAdmin(ReadOnlyAdmin):
    list_display = ["id", "batch", "distributor", "amount", "code"]
