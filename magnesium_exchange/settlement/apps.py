from django.apps import AppConfig


class SettlementConfig(AppConfig):
    name = "magnesium_exchange.settlement"
    label = "exchange_settlement"
    verbose_name = "Exchange: settlement (delivery versus payment)"
