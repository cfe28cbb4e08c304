from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "meidu.core.ledger"
    label = "ledger"
    verbose_name = "Double-entry ledger"
