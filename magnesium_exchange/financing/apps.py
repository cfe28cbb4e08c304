from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancingConfig(AppConfig):
    name = "magnesium_exchange.financing"
    label = "exchange_financing"
    verbose_name = _("Exchange: bank financing (pledges, loans, valuation)")

    def ready(self):
        """A forced sale's auction and settlement call back here, in their transactions (explicit hooks:
        settlement and trading import nothing of financing)."""
        from magnesium_exchange.financing.services import forced_sale
        from magnesium_exchange.settlement.hooks import settlement_hooks_register
        from magnesium_exchange.trading.hooks import trading_hooks_register

        settlement_hooks_register(locked=forced_sale.forced_sale_settlement_locked,
                                  completed=forced_sale.forced_sale_settlement_completed,
                                  defaulted=forced_sale.forced_sale_settlement_defaulted)
        trading_hooks_register(auction_closing=forced_sale.forced_sale_auction_closing,
                               auction_ended=forced_sale.forced_sale_auction_ended)
