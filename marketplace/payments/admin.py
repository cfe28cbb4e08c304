"""Operator screens for payments: read transactions and their events, confirm bank transfers, void.

Every change goes through marketplace.payments.services (HANDLE_PAYMENTS guards the screens).
"""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from marketplace.payments.models import (
    BillDifference,
    BillRun,
    PaymentNotification,
    StripeWebhookEvent,
    TransactionEvent,
    TransactionItem,
)
from marketplace.payments.services import bill_run_acknowledge, transaction_bank_transfer_confirm, transaction_cancel
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.errors import DomainError, PermissionDenied
from meidu.core.permissions import PaymentPermissions


class EventInline(admin.TabularInline):
    model = TransactionEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ["type", "amount", "psp_reference", "message", "created_by", "app", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, required=False, label="Note (bank statement line, receipt number)")


@admin.action(description=_("Confirm the bank transfer received (the whole awaited amount)"))
def confirm_bank_transfers(modeladmin, request, queryset):
    if "apply" not in request.POST:
        return render(
            request,
            "admin/payments/confirm.html",
            {
                "form": ReasonForm(),
                "items": queryset,
                "opts": modeladmin.model._meta,
                "action": "confirm_bank_transfers",
                "label": "Confirm bank transfers",
            },
        )
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    for item in queryset:
        try:
            transaction_bank_transfer_confirm(
                item, actor=request.user, amount=item.charge_pending_amount, reason=reason
            )
            modeladmin.message_user(
                request, f"{item.token}: {item.charge_pending_amount} {item.currency} confirmed", messages.SUCCESS
            )
        except (DomainError, PermissionDenied) as exc:
            modeladmin.message_user(request, f"{item.token}: {getattr(exc, 'message', exc)}", messages.ERROR)
    return None


@admin.action(description=_("Void what is authorised and not charged"))
def void_transactions(modeladmin, request, queryset):
    for item in queryset:
        try:
            event = transaction_cancel(item, actor=request.user, reason="admin")
            text = "nothing to void" if event is None else f"{event.type} {event.amount}"
            modeladmin.message_user(request, f"{item.token}: {text}", messages.SUCCESS)
        except DomainError as exc:
            modeladmin.message_user(request, f"{item.token}: {exc.message}", messages.ERROR)


@admin.register(TransactionItem)
class TransactionItemAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = PaymentPermissions.HANDLE_PAYMENTS
    list_display = [
        "token",
        "name",
        "checkout_token",
        "currency",
        "authorized_amount",
        "charged_amount",
        "charge_pending_amount",
        "refunded_amount",
        "canceled_amount",
        "created_at",
    ]
    list_filter = ["gateway", "currency"]
    search_fields = ["=token", "=checkout_token", "psp_reference", "idempotency_key"]
    readonly_fields = [f.name for f in TransactionItem._meta.fields]
    inlines = [EventInline]
    actions = [confirm_bank_transfers, void_transactions]

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)


@admin.register(StripeWebhookEvent)
class StripeWebhookEventAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = PaymentPermissions.HANDLE_PAYMENTS
    list_display = ["event_id", "type", "received_at"]
    search_fields = ["=event_id"]
    readonly_fields = ["event_id", "type", "received_at"]


@admin.register(PaymentNotification)
class PaymentNotificationAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = PaymentPermissions.HANDLE_PAYMENTS
    list_display = ["gateway", "notification_id", "event_type", "received_at"]
    list_filter = ["gateway"]
    search_fields = ["=notification_id"]
    readonly_fields = ["gateway", "notification_id", "event_type", "received_at"]


class BillDifferenceInline(admin.TabularInline):
    model = BillDifference
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "kind",
        "line_kind",
        "psp_reference",
        "our_reference",
        "provider_amount",
        "our_amount",
        "transaction",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description=_("Acknowledge: the differences are being handled"))
def acknowledge_bill_runs(modeladmin, request, queryset):
    for run in queryset:
        bill_run_acknowledge(run, actor=request.user)
    modeladmin.message_user(request, f"{queryset.count()} acknowledged", messages.SUCCESS)


@admin.register(BillRun)
class BillRunAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    """Daily bill reconciliations; the flagged ones not yet acknowledged are the finance operators' to-do list."""

    admin_permission = PaymentPermissions.HANDLE_PAYMENTS
    list_display = [
        "bill_date",
        "gateway",
        "status",
        "lines",
        "matched",
        "differences_count",
        "provider_total",
        "our_total",
        "acknowledged_at",
    ]
    list_filter = ["status", "gateway", ("acknowledged_at", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in BillRun._meta.fields]
    inlines = [BillDifferenceInline]
    actions = [acknowledge_bill_runs]

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)
