from django.apps import AppConfig


class OperatorConfig(AppConfig):
    name = "storefront.operator"
    label = "storefront_operator"
    verbose_name = "Storefront: operator pages"
