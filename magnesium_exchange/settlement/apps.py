from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    name = "magnesium_exchange.settlement"
    label = "exchange_settlement"
    verbose_name = _("Exchange: settlement (delivery versus payment)")
