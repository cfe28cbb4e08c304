from django.apps import AppConfig


class BankPortalConfig(AppConfig):
    name = "storefront.bank"
    label = "storefront_bank"
    verbose_name = "Storefront: bank portal"
