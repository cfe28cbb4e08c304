from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancingConfig(AppConfig):
    name = "magnesium_exchange.financing"
    label = "exchange_financing"
    verbose_name = _("Exchange: bank financing (pledges, loans, valuation)")
