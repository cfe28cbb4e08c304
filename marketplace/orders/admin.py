from django.contrib import admin

from marketplace.orders.models import Order, OrderEvent, OrderLine
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.permissions import OrderPermissions


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = (
        "product_name",
        "variant_name",
        "product_sku",
        "quantity",
        "quantity_fulfilled",
        "quantity_returned",
        "unit_price_amount",
        "total_price_amount",
        "actual_weight",
    )
    exclude = ("variant",)


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ("type", "user", "data", "created_at")


@admin.register(Order)
class OrderAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    """Read-only here: orders change through their services (the API and the seller pages).
    Guarded by MANAGE_ORDERS, which operators hold (Django's per-model view permission they do not)."""

    admin_permission = OrderPermissions.MANAGE_ORDERS
    list_display = (
        "number",
        "shop",
        "status",
        "total_amount",
        "charged_amount",
        "refunded_amount",
        "delivery_kind",
        "created_at",
    )
    list_filter = ("status", "delivery_kind", "channel")
    search_fields = ("number", "user_email", "shop__name")
    inlines = [OrderLineInline, OrderEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
