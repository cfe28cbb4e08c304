from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FarmPricesConfig(AppConfig):
    name = "incubator.prices"
    label = "farm_prices"
    verbose_name = _("Farm prices")
