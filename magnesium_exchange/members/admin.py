"""Operator screens of members: read-only records (writes go through the services and the API)."""

from django.contrib import admin

from magnesium_exchange.members.models import CounterpartyRule, FundsRequest, Member, Trader
from magnesium_exchange.members.selectors import member_balances
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import ExchangePermissions


class TraderInline(admin.TabularInline):
    model = Trader
    extra = 0
    can_delete = False
    readonly_fields = ["user", "can_trade", "can_settle", "can_manage_funds", "is_active", "created_at"]


class CounterpartyRuleInline(admin.TabularInline):
    model = CounterpartyRule
    fk_name = "member"
    extra = 0
    can_delete = False
    readonly_fields = ["counterparty", "kind", "created_at"]


@admin.register(Member)
class MemberAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = ExchangePermissions.MANAGE_EXCHANGE
    list_display = ["name", "credit_code", "status", "credit_matching_mode", "exposure_cap", "created_at"]
    list_filter = ["status", "credit_matching_mode"]
    search_fields = ["name", "short_name", "credit_code"]
    readonly_fields = [field.name for field in Member._meta.fields if field.name != "bank_account_number"] + [
        "funds",
        "bank_account_last4",
    ]
    exclude = ["bank_account_number"]
    inlines = [TraderInline, CounterpartyRuleInline]

    @admin.display(description="Funds (available / frozen)")
    def funds(self, member):
        balances = member_balances(member)
        return f"{balances.available} / {balances.frozen}"


@admin.register(FundsRequest)
class FundsRequestAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = ExchangePermissions.MANAGE_EXCHANGE
    list_display = ["id", "member", "kind", "amount", "status", "bank_reference", "created_at", "decided_at"]
    list_filter = ["kind", "status"]
    search_fields = ["member__name", "bank_reference"]
    readonly_fields = [field.name for field in FundsRequest._meta.fields]
