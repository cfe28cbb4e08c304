from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TradingConfig(AppConfig):
    name = "magnesium_exchange.trading"
    label = "exchange_trading"
    verbose_name = _("Exchange: trading (listings, auctions, negotiated deals)")
