from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionAppConfig(AppConfig):
    name = "incubator.commission"
    label = "incubator_commission"
    verbose_name = _("Distributor commission")
