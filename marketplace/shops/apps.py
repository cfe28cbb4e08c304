from django.apps import AppConfig


class ShopsConfig(AppConfig):
    name = "marketplace.shops"
    label = "shops"
