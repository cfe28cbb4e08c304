from django.apps import AppConfig


class DistributorCentreConfig(AppConfig):
    name = "storefront.distributor"
    label = "storefront_distributor"
    verbose_name = "Storefront: distributor centre"
