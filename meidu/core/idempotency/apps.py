from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "meidu.core.idempotency"
    label = "idempotency"
    verbose_name = "Idempotency keys"
