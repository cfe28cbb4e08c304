from django.apps import AppConfig


class ShopPagesConfig(AppConfig):
    name = "storefront.shop"
    label = "storefront_shop"
    verbose_name = "Storefront: buyer pages"
