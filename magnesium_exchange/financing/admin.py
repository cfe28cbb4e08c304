"""Operator screens of bank financing: banks and their officers, the financing rules, and the loans
(read-only: terms, collateral, events and the debt read from the ledger; every change of a loan goes
through the services, on the state machine). Banks, officers and rules are written by the services too."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from magnesium_exchange.financing.models import (
    Bank,
    BankOfficer,
    FinancingRule,
    Loan,
    LoanCollateral,
    LoanEvent,
    LoanValuation,
)
from magnesium_exchange.financing.selectors import loan_debt
from magnesium_exchange.financing.services.banks import bank_create, bank_officer_add, financing_rule_set
from magnesium_exchange.financing.services.inputs import lines_check
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.errors import DomainError
from meidu.core.permissions import ExchangePermissions


class OperatorMixin(EnumPermissionAdminMixin):
    admin_permission = ExchangePermissions.MANAGE_EXCHANGE


class OfficerInline(admin.TabularInline):
    model = BankOfficer
    extra = 0
    can_delete = False
    fields = ["user", "is_active", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bank)
class BankAdmin(OperatorMixin, admin.ModelAdmin):
    allow_add = True
    list_display = ["code", "name", "short_name", "app", "is_active"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "short_name", "app", "is_active"]
    inlines = [OfficerInline]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "app"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name", "short_name", "is_active"])
            return
        created = bank_create(code=obj.code, name=obj.name, short_name=obj.short_name, app=obj.app, actor=request.user)
        obj.pk, obj.created_at = created.pk, created.created_at


class BankOfficerForm(forms.ModelForm):
    class Meta:
        model = BankOfficer
        fields = ["bank", "user"]


@admin.register(BankOfficer)
class BankOfficerAdmin(OperatorMixin, admin.ModelAdmin):
    allow_add = True
    form = BankOfficerForm
    list_display = ["user", "bank", "is_active", "created_at"]
    list_filter = ["bank", "is_active"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        return ["bank", "user", "created_at"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["is_active"])
            return
        officer = bank_officer_add(obj.bank, obj.user, actor=request.user)  # also gives the bank officer role
        obj.pk, obj.created_at = officer.pk, officer.created_at


class FinancingRuleForm(forms.ModelForm):
    class Meta:
        model = FinancingRule
        fields = [
            "bank",
            "grade",
            "haircut_percent",
            "max_ltv_percent",
            "warning_percent",
            "liquidation_percent",
            "margin_call_hours",
        ]

    def clean(self):
        data = super().clean()
        values = [
            data.get(name) for name in ("haircut_percent", "max_ltv_percent", "warning_percent", "liquidation_percent")
        ]
        if None not in values:
            try:
                lines_check(*values)
            except DomainError as exc:
                raise ValidationError(exc.message) from None
        return data


@admin.register(FinancingRule)
class FinancingRuleAdmin(OperatorMixin, admin.ModelAdmin):
    allow_add = True
    form = FinancingRuleForm
    list_display = [
        "bank",
        "grade",
        "haircut_percent",
        "max_ltv_percent",
        "warning_percent",
        "liquidation_percent",
        "margin_call_hours",
        "updated_at",
    ]
    list_filter = ["bank"]

    def save_model(self, request, obj, form, change):
        rule = financing_rule_set(
            bank=obj.bank,
            grade=obj.grade,
            haircut_percent=obj.haircut_percent,
            max_ltv_percent=obj.max_ltv_percent,
            warning_percent=obj.warning_percent,
            liquidation_percent=obj.liquidation_percent,
            margin_call_hours=obj.margin_call_hours,
            actor=request.user,
        )
        obj.pk, obj.updated_at = rule.pk, rule.updated_at


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CollateralInline(ReadOnlyInline):
    model = LoanCollateral
    fields = ["receipt", "quantity", "status", "pledged_at", "released_at"]
    readonly_fields = fields


class LoanEventInline(ReadOnlyInline):
    model = LoanEvent
    fields = ["occurred_at", "action", "from_status", "to_status", "actor_user", "actor_app", "data"]
    readonly_fields = fields


class ValuationInline(ReadOnlyInline):
    model = LoanValuation
    fields = ["day", "tonnes", "market_value", "collateral_value", "debt", "ltv_percent"]
    readonly_fields = fields


@admin.register(Loan)
class LoanAdmin(OperatorMixin, admin.ModelAdmin):
    list_display = ["number", "bank", "borrower", "status", "amount_requested", "principal", "due_date", "created_at"]
    list_filter = ["status", "bank"]
    search_fields = ["number", "borrower__name", "registry_filing_no"]
    list_select_related = ["bank", "borrower"]
    inlines = [CollateralInline, ValuationInline, LoanEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields] + ["outstanding_principal", "accrued_interest"]

    def has_change_permission(self, request, obj=None):
        return False  # a loan changes only through its services (the state machine, the ledger)

    @admin.display(description=_("Outstanding principal (ledger)"))
    def outstanding_principal(self, loan):
        return loan_debt(loan).principal

    @admin.display(description=_("Accrued unpaid interest (ledger)"))
    def accrued_interest(self, loan):
        return loan_debt(loan).interest
