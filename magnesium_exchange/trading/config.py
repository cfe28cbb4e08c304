"""Trading configuration with safe defaults, overridable in settings.EXCHANGE_TRADING (a dict):

* DEPOSIT_RATIO 0.10 (performance deposit frozen from the buyer), PRICE_LIMIT_RATIO 0.08 (band
  around the reference price), RESALE_LOCK_DAYS 5 (T+5 on goods bought, in trading days of
  trading.calendar), SETTLEMENT_DAYS 3 (trading days to pay the balance), FEE_PER_TONNE 1.00 CNY
  charged to each side at settlement, REQUIRE_REFERENCE_PRICE True.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from magnesium_exchange.engine import MarketRules


@dataclass(frozen=True)
class TradingConfig:
    deposit_ratio: Decimal = Decimal("0.10")
    price_limit_ratio: Decimal = Decimal("0.08")
    resale_lock_days: int = 5
    settlement_days: int = 3
    fee_per_tonne: Decimal = Decimal("1.00")
    require_reference_price: bool = True

    def resale_lock_until(self, settled_at: datetime) -> datetime:
        """Goods settled at ``settled_at`` may be listed from the start of trading day T+n."""
        from magnesium_exchange.trading.calendar import start_of_trading_day_after

        return start_of_trading_day_after(settled_at, self.resale_lock_days)

    def settlement_due(self, executed_at: datetime) -> datetime:
        """A trade's balance is due at the same time of day, SETTLEMENT_DAYS trading days later."""
        from magnesium_exchange.trading.calendar import same_time_trading_days_later

        return same_time_trading_days_later(executed_at, self.settlement_days)

    def fee(self, quantity: Decimal) -> Decimal:
        return (self.fee_per_tonne * quantity).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def trading_config() -> TradingConfig:
    overrides = getattr(settings, "EXCHANGE_TRADING", {}) or {}
    values = {}
    for name in TradingConfig.__dataclass_fields__:
        key = name.upper()
        if key in overrides:
            default = getattr(TradingConfig, name)
            value = overrides[key]
            values[name] = Decimal(str(value)) if isinstance(default, Decimal) else type(default)(value)
    return TradingConfig(**values)


def market_rules(grade) -> MarketRules:
    """The engine's rules for a grade: tick, step and minimum from its commodity, ratios from config."""
    config = trading_config()
    commodity = grade.commodity
    return MarketRules(
        price_tick=commodity.price_tick,
        quantity_step=commodity.quantity_step,
        min_quantity=commodity.min_quantity,
        price_limit_ratio=config.price_limit_ratio,
        deposit_ratio=config.deposit_ratio,
        require_reference_price=config.require_reference_price,
        currency=commodity.currency,
    )
