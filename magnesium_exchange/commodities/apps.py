from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommoditiesConfig(AppConfig):
    name = "magnesium_exchange.commodities"
    label = "exchange_commodities"
    verbose_name = _("Exchange: commodities and grades")
