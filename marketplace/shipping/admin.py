from django.contrib import admin

from marketplace.shipping.models import DeliveryZone, ShippingMethod


@admin.register(DeliveryZone)
class DeliveryZoneAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "base_fee_amount", "base_weight_grams", "fee_per_extra_kg_amount")
    filter_horizontal = ("towns",)


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = ("name", "shop", "kind", "is_active")
    list_filter = ("kind", "is_active")
    raw_id_fields = ("shop",)
