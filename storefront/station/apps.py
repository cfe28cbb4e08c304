from django.apps import AppConfig


class StationConfig(AppConfig):
    name = "storefront.station"
    label = "storefront_station"
    verbose_name = "Storefront: pickup counter"
