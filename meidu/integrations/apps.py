from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "meidu.integrations"
    label = "integrations"
    verbose_name = "Apps and webhooks"
