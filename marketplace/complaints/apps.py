from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "marketplace.complaints"
    label = "complaints"
    verbose_name = "Complaints"
