from django.apps import AppConfig


class LearnConfig(AppConfig):
    name = "storefront.learn"
    label = "storefront_learn"
    verbose_name = "Storefront: training"
