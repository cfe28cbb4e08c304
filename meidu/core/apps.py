from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "meidu.core"
    label = "core"
    verbose_name = "Meidu core"
