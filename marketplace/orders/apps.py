from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "marketplace.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self):
        from marketplace.orders import payment_hooks

        payment_hooks.register()
