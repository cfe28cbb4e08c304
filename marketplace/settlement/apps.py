from django.apps import AppConfig


class SettlementConfig(AppConfig):
    name = "marketplace.settlement"
    label = "settlement"
    verbose_name = "Seller settlement"
