from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "magnesium_exchange.members"
    label = "exchange_members"
    verbose_name = _("Exchange: members and funds")
