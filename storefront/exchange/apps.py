from django.apps import AppConfig


class ExchangePagesConfig(AppConfig):
    name = "storefront.exchange"
    label = "storefront_exchange"
    verbose_name = "Storefront: exchange pages"
