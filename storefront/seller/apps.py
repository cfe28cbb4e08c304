from django.apps import AppConfig


class SellerCentreConfig(AppConfig):
    name = "storefront.seller"
    label = "storefront_seller"
    verbose_name = "Storefront: seller centre"
