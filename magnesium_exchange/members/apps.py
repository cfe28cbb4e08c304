from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "magnesium_exchange.members"
    label = "exchange_members"
    verbose_name = "Exchange: members and funds"
