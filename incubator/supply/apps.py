from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupplyConfig(AppConfig):
    name = "incubator.supply"
    label = "incubator_supply"
    verbose_name = _("Supply pool")
