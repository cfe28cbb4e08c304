from django.apps import AppConfig


class ShellConfig(AppConfig):
    name = "storefront.shell"
    label = "shell"
    verbose_name = "Storefront shell"
