from django.contrib import admin

from marketplace.catalog.models import Attribute, AttributeChoice, Category, Product, ProductType, ProductVariant
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.cache_admin import BumpsCacheVersionsAdminMixin
from meidu.core.cache_versions import CATALOG
from meidu.core.permissions import ProductPermissions


class ChoiceInline(admin.TabularInline):
    model = AttributeChoice
    extra = 1


@admin.register(Attribute)
class AttributeAdmin(BumpsCacheVersionsAdminMixin, EnumPermissionAdminMixin, admin.ModelAdmin):
    cache_domains = (CATALOG,)
    admin_permission = ProductPermissions.MANAGE_PRODUCTS
    allow_add = allow_delete = True
    list_display = ["name", "slug", "input_type", "unit"]
    inlines = [ChoiceInline]


@admin.register(Category)
class CategoryAdmin(BumpsCacheVersionsAdminMixin, EnumPermissionAdminMixin, admin.ModelAdmin):
    cache_domains = (CATALOG,)
    admin_permission = ProductPermissions.MANAGE_PRODUCTS
    allow_add = allow_delete = True
    list_display = ["name", "slug", "parent", "level"]


@admin.register(ProductType)
class ProductTypeAdmin(BumpsCacheVersionsAdminMixin, EnumPermissionAdminMixin, admin.ModelAdmin):
    cache_domains = (CATALOG,)
    admin_permission = ProductPermissions.MANAGE_PRODUCTS
    allow_add = allow_delete = True
    list_display = ["name", "slug", "sold_by", "is_shipping_required"]
    filter_horizontal = ["attributes"]


class VariantInline(admin.TabularInline):
    model = ProductVariant
    extra = 0
    fields = ["sku", "name", "weight_grams", "quantity_limit_per_customer"]
    readonly_fields = fields
    can_delete = False  # a variant goes through catalog.services.variant_delete (it re-prices the listings)


@admin.register(Product)
class ProductAdmin(BumpsCacheVersionsAdminMixin, EnumPermissionAdminMixin, admin.ModelAdmin):
    cache_domains = (CATALOG,)
    admin_permission = ProductPermissions.MANAGE_PRODUCTS
    """Read-mostly for moderation; sellers edit through the seller centre or the API."""

    list_display = ["name", "shop", "category", "product_type", "created_at"]
    list_filter = ["category", "product_type"]
    search_fields = ["name", "slug", "variants__sku"]
    readonly_fields = ["shop", "product_type", "slug", "created_at", "updated_at"]
    inlines = [VariantInline]
