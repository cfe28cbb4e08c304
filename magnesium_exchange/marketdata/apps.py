from django.apps import AppConfig


class MarketDataConfig(AppConfig):
    name = "magnesium_exchange.marketdata"
    label = "exchange_marketdata"
    verbose_name = "Exchange: market data"
