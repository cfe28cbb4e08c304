from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "meidu.integrations"
    label = "integrations"
    verbose_name = "Apps and webhooks"

    def ready(self):
        from meidu.integrations.subscriptions import connect

        connect()
