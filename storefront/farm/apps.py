from django.apps import AppConfig


class FarmPagesConfig(AppConfig):
    name = "storefront.farm"
    label = "storefront_farm"
