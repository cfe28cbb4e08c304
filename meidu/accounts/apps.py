from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "meidu.accounts"
    label = "accounts"
    verbose_name = "Accounts"
