"""Rules configuration: safe defaults, validation, band rounding, price and quantity checks."""

from decimal import Decimal as D

import pytest

from magnesium_exchange.engine import EngineError, MarketRules, deposit_for, price_band
from magnesium_exchange.engine import EngineErrorCode as E
from magnesium_exchange.engine.rules import check_price, check_quantity


def test_safe_defaults():
    rules = MarketRules()
    assert rules.price_limit_ratio == D("0.08") and rules.deposit_ratio == D("0.10")
    assert rules.require_reference_price and rules.bid_increment == D("1.00")
    assert rules.anti_snipe_window_ms == rules.anti_snipe_extension_ms == 120_000


@pytest.mark.parametrize(
    "kw",
    [
        {"price_tick": D("0")},
        {"price_tick": D("0.001")},
        {"quantity_step": D("0.0001")},
        {"min_quantity": D("-1")},
        {"price_limit_ratio": D("1")},
        {"deposit_ratio": D("1.5")},
        {"bid_increment_ticks": 0},
        {"max_extensions": -1},
    ],
)
def test_invalid_rules_are_refused(kw):
    with pytest.raises(ValueError):
        MarketRules(**kw)


def test_band_rounds_inwards_to_the_tick():
    assert price_band(D("3000"), MarketRules()) == (D("2760.00"), D("3240.00"))
    assert price_band(D("3001.37"), MarketRules(price_tick=D("5"))) == (D("2765.00"), D("3240.00"))
    assert price_band(None, MarketRules(require_reference_price=False)) is None
    with pytest.raises(EngineError) as refused:
        price_band(None, MarketRules())
    assert refused.value.code is E.NO_REFERENCE_PRICE


@pytest.mark.parametrize(
    ("price", "code"),
    [
        (D("0"), E.INVALID_PRICE),
        (D("-1"), E.INVALID_PRICE),
        (D("NaN"), E.INVALID_PRICE),
        (D("Infinity"), E.INVALID_PRICE),
        (D("3000.001"), E.PRICE_OFF_TICK),
        (D("3000.5"), E.PRICE_OFF_TICK),
        (D("3241"), E.PRICE_OUTSIDE_LIMIT),
        (D("2759"), E.PRICE_OUTSIDE_LIMIT),
        (1.5, E.INVALID_COMMAND),
        ("abc", E.INVALID_COMMAND),
    ],
)
def test_price_refusals(price, code):
    with pytest.raises(EngineError) as refused:
        check_price(price, MarketRules(), (D("2760"), D("3240")))
    assert refused.value.code is code


def test_prices_and_quantities_are_quantized():
    assert str(check_price(D("3000"), MarketRules(), None)) == "3000.00"
    assert str(check_price("3000", MarketRules(), None)) == "3000.00"
    assert str(check_quantity(D("12"), D("0.5"))) == "12.000"
    with pytest.raises(EngineError) as refused:
        check_quantity(D("12.25"), D("0.5"))
    assert refused.value.code is E.OFF_STEP


def test_deposit_rounds_half_up_to_the_fen():
    assert deposit_for(D("3000.05"), D("0.001"), D("0.10")) == D("0.30")  # 0.300005
    assert deposit_for(D("2999.95"), D("0.001"), D("0.10")) == D("0.30")  # 0.299995
