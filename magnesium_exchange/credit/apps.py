from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "magnesium_exchange.credit"
    label = "exchange_credit"
    verbose_name = _("Exchange: credit reports and consents")
