from django.apps import AppConfig


class IncubatorConsoleConfig(AppConfig):
    name = "storefront.incubator"
    label = "storefront_incubator"
    verbose_name = "Storefront: incubator console"
