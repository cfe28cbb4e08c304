from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "meidu.core.audit"
    label = "audit"
    verbose_name = "Audit log"
