from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "marketplace.search"
    label = "product_search"
    verbose_name = _("Product search")
