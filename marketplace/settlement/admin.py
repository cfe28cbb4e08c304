"""Operator screens: commission rules (add only: a change is a new rule with a later date),
order settlements and payouts (read only; payouts can be marked paid or returned), bank files."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from marketplace.settlement.export import payout_batch_csv, payout_batch_filename
from marketplace.settlement.models import CommissionRule, OrderSettlement, Payout, PayoutBatch, SettlementEntry
from marketplace.settlement.services.commission import commission_rule_create
from marketplace.settlement.services.payouts import payout_mark_failed, payout_mark_paid
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.errors import DomainError
from meidu.core.permissions import OrderPermissions

FIELD_OF = {"ratePercent": "rate_percent", "shopKind": "shop_kind", "effectiveFrom": "effective_from"}


class CommissionRuleForm(forms.ModelForm):
    """Saving goes through commission_rule_create (its refusals become form errors)."""

    class Meta:
        model = CommissionRule
        fields = ["category", "shop_kind", "rate_percent", "effective_from", "note"]

    def _post_clean(self):
        super()._post_clean()  # the model's own checks (range, one rule per scope and date) first
        if self.errors:
            return
        data = self.cleaned_data
        try:
            self.created = commission_rule_create(
                actor=self.request_user,
                rate_percent=data.get("rate_percent"),
                category=data.get("category"),
                shop_kind=data.get("shop_kind") or "",
                effective_from=data.get("effective_from"),
                note=data.get("note") or "",
            )
        except DomainError as exc:
            self.add_error(FIELD_OF.get(exc.field) or None, ValidationError(exc.message))


@admin.register(CommissionRule)
class CommissionRuleAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = OrderPermissions.MANAGE_ORDERS
    allow_add = True
    form = CommissionRuleForm
    list_display = ("__str__", "category", "shop_kind", "rate_percent", "effective_from", "created_by")
    list_filter = ("shop_kind",)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request_user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        return ("category", "shop_kind", "rate_percent", "effective_from", "note", "created_by") if obj else ()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.pk = form.created.pk


class SettlementEntryInline(admin.TabularInline):
    model = SettlementEntry
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "sequence",
        "kind",
        "amount",
        "commission_amount",
        "commission_rate_percent",
        "ledger_transaction",
        "created_at",
    )


@admin.register(OrderSettlement)
class OrderSettlementAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = OrderPermissions.MANAGE_ORDERS
    list_display = ("order", "shop", "currency", "released_at", "synced_at")
    search_fields = ("order__number", "shop__name")
    readonly_fields = ("order", "shop", "currency", "next_sequence", "released_at", "synced_at", "shop_cash_amount")
    exclude = ("cash_events_seen",)
    inlines = [SettlementEntryInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Payout)
class PayoutAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = OrderPermissions.MANAGE_ORDERS
    list_display = ("reference", "shop", "amount", "currency", "status", "batch", "settled_at")
    list_filter = ("status",)
    search_fields = ("reference", "shop__name")
    actions = ["mark_paid", "mark_failed"]

    def has_change_permission(self, request, obj=None):
        return False

    def _apply(self, request, queryset, service, done):
        for payout in queryset:
            try:
                service(payout, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{payout.reference}: {exc.message}", messages.ERROR)
        self.message_user(request, done)

    @admin.action(description=_("Mark paid (the bank confirmed)"))
    def mark_paid(self, request, queryset):
        self._apply(request, queryset, payout_mark_paid, _("Marked paid"))

    @admin.action(description=_("Mark returned by the bank (money back to available)"))
    def mark_failed(self, request, queryset):
        self._apply(request, queryset, payout_mark_failed, _("Marked returned"))


@admin.register(PayoutBatch)
class PayoutBatchAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = OrderPermissions.MANAGE_ORDERS
    list_display = ("week_end", "created_at", "created_by")
    actions = ["download_bank_file"]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Download the bank file (CSV)"))
    def download_bank_file(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose one batch"), messages.ERROR)
            return None
        batch = queryset.get()
        response = HttpResponse(payout_batch_csv(batch), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{payout_batch_filename(batch)}"'
        return response
