"""Operators review shops here: every status change goes through shop_transition."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from marketplace.shops.models import Shop, ShopEvent, ShopMember, ShopNotice
from marketplace.shops.selectors import shop_checklist
from marketplace.shops.services import shop_transition
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.cache_admin import BumpsCacheVersionsAdminMixin
from meidu.core.cache_versions import SHOPS
from meidu.core.errors import DomainError
from meidu.core.permissions import ShopPermissions


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea, max_length=1000)


class MemberInline(admin.TabularInline):
    model = ShopMember
    extra = 0
    readonly_fields = ["user", "role", "created_at"]


class EventInline(admin.TabularInline):
    model = ShopEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "actor", "note", "created_at"]


def _apply(modeladmin, request, queryset, action, note=""):
    done = 0
    for shop in queryset:
        try:
            shop_transition(shop, action, actor=request.user, note=note)
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{shop.name}: {exc.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, f"{action}: {done} shop(s)", messages.SUCCESS)


def _with_reason(action, label):
    def run(modeladmin, request, queryset):
        if "apply" in request.POST:
            form = ReasonForm(request.POST)
            if form.is_valid():
                _apply(modeladmin, request, queryset, action, form.cleaned_data["reason"])
                return None
        else:
            form = ReasonForm()
        return render(
            request,
            "admin/shops/reason.html",
            {"form": form, "shops": queryset, "action": action, "label": label, "opts": modeladmin.model._meta},
        )

    run.short_description = label
    run.__name__ = f"{action}_shops"
    return run


@admin.action(description=_("Approve selected shops (in review)"))
def approve_shops(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, "approve")


@admin.action(description=_("Reinstate selected shops (suspended)"))
def reinstate_shops(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, "reinstate")


@admin.register(Shop)
class ShopAdmin(BumpsCacheVersionsAdminMixin, EnumPermissionAdminMixin, admin.ModelAdmin):
    cache_domains = (SHOPS,)
    admin_permission = ShopPermissions.MANAGE_SHOPS
    list_display = ["name", "kind", "track", "status", "holiday_mode", "village", "created_at"]
    list_filter = ["status", "kind", "track"]
    search_fields = ["name", "slug", "real_name"]
    readonly_fields = ["status", "id_number_last4", "checklist", "rejection_reason", "created_at", "updated_at"]
    exclude = ["id_number_hash", "payout_account_number"]
    inlines = [MemberInline, EventInline]
    actions = [
        approve_shops,
        _with_reason("reject", _("Reject selected shops (with reason)")),
        _with_reason("suspend", _("Suspend selected shops (with reason)")),
        reinstate_shops,
    ]

    @admin.display(description=_("Checklist"))
    def checklist(self, shop):
        return ", ".join(f"{'✔' if item.done else '✘'} {item.label}" for item in shop_checklist(shop))


@admin.register(ShopNotice)
class ShopNoticeAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = ShopPermissions.MANAGE_SHOPS
    list_display = ["shop", "kind", "message", "created_at", "read_at"]
    list_filter = ["kind"]
