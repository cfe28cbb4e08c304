"""Waybill numbers per carrier, checked when the seller ships (EMS's UPU S10 check digit included)."""

import pytest

from logistics.carriers.formats import s10_check_digit, tracking_number_valid


@pytest.mark.parametrize(
    ("carrier", "number", "valid"),
    [
        ("SF", "SF1234567890123", True),
        ("SF", "sf 1234 5678 9012", True),
        ("SF", "SF12345", False),
        ("ZTO", "731234567890", True),
        ("ZTO", "12345678901234", True),
        ("ZTO", "631234567890", False),
        ("YTO", "YT1234567890123", True),
        ("YTO", "YT123", False),
        ("JD", "JDVA12345678901", True),
        ("JD", "JD1234567890123", True),
        ("JD", "JDV12345678901", False),
        ("EMS", "EE123456785CN", True),
        ("EMS", "EE123456784CN", False),
        ("EMS", "1123456789012", True),
        ("EMS", "EE12345678CN", False),
        ("DHL", "1234567890", False),
        ("SF", "SF1234567890123\x00", False),
    ],
)
def test_waybill_rules(carrier, number, valid):
    assert tracking_number_valid(carrier, number) is valid


def test_s10_check_digit_special_cases():
    assert s10_check_digit("12345678") == 5
    assert all(0 <= s10_check_digit(f"{n:08d}") <= 9 for n in range(0, 10**8, 9_999_991))
