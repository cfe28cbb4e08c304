from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CashConfig(AppConfig):
    name = "logistics.cash"
    label = "cod_cash"
    verbose_name = _("Cash on delivery reconciliation")
