from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionConfig(AppConfig):
    name = "incubator.distribution"
    label = "incubator_distribution"
    verbose_name = _("Distribution")
