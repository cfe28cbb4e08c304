from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FarmFairsConfig(AppConfig):
    name = "incubator.fairs"
    label = "farm_fairs"
    verbose_name = _("Agricultural fairs")
