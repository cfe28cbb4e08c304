from django.apps import AppConfig


class TradingConfig(AppConfig):
    name = "magnesium_exchange.trading"
    label = "exchange_trading"
    verbose_name = "Exchange: trading (listings, auctions, negotiated deals)"
