from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "incubator.referrals"
    label = "incubator_referrals"
    verbose_name = _("Referrals")
