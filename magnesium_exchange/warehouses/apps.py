from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarehousesConfig(AppConfig):
    name = "magnesium_exchange.warehouses"
    label = "exchange_warehouses"
    verbose_name = _("Exchange: warehouses and receipts")

    def ready(self):
        # Publish the warehouses' Ed25519 seal keys in /.well-known/jwks.json (core knows no exchange).
        from magnesium_exchange.warehouses.signing import warehouse_public_jwks
        from meidu.core.views import jwks_source_register

        jwks_source_register(warehouse_public_jwks)
