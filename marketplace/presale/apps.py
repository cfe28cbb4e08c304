from django.apps import AppConfig


class PresaleConfig(AppConfig):
    name = "marketplace.presale"
    label = "presale"
    verbose_name = "Harvest pre-sale"
