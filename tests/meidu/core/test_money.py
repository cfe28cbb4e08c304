from decimal import Decimal

import pytest

from meidu.core.money import Money, quantize


def test_rounds_half_up_to_the_fen():
    assert quantize(Decimal("2.345"), "CNY") == Decimal("2.35")
    assert quantize(Decimal("2.344"), "CNY") == Decimal("2.34")
    assert quantize(Decimal("-2.345"), "CNY") == Decimal("-2.35")


def test_tonnes_keep_three_decimals():
    assert quantize(Decimal("1.23456"), "TNE") == Decimal("1.235")


def test_arithmetic_keeps_currency():
    total = Money("10.10") + Money("0.05") - Money("1")
    assert total == Money(Decimal("9.15"), "CNY")
    assert (Money("3.333") * 3).quantize() == Money("10.00")


def test_refuses_floats_and_mixed_currencies():
    with pytest.raises(TypeError):
        Money(0.1)
    with pytest.raises(ValueError):
        Money("1", "CNY") + Money("1", "USD")
    with pytest.raises(ValueError):
        Money("1", "XXX")
    with pytest.raises(ValueError):
        Money("NaN")


def test_an_amount_too_large_for_fen_is_not_quantized():
    from meidu.core.money import is_quantized

    assert is_quantized(Decimal("12.50"), "CNY") and not is_quantized(Decimal("12.505"), "CNY")
    assert not is_quantized(Decimal("1e30"), "CNY")  # quantize would raise InvalidOperation
