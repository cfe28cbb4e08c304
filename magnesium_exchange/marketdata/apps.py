from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketDataConfig(AppConfig):
    name = "magnesium_exchange.marketdata"
    label = "exchange_marketdata"
    verbose_name = _("Exchange: market data")
