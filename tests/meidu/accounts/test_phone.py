import pytest

from meidu.accounts.phone import InvalidPhone, normalize_cn_mobile


@pytest.mark.parametrize(
    "raw", ["13800138000", "138 0013 8000", "+86 138-0013-8000", "008613800138000", "8613800138000", "(138)00138000"]
)
def test_usual_spellings_normalise_to_e164(raw):
    assert normalize_cn_mobile(raw) == "+8613800138000"


@pytest.mark.parametrize(
    "raw",
    ["", "12800138000", "1380013800", "138001380001", "+1 415 555 0100", "abcdefghijk", "+8523800138000"],
    ids=["empty", "bad_prefix", "too_short", "too_long", "foreign", "letters", "hong_kong_prefix"],
)
def test_anything_else_is_refused(raw):
    with pytest.raises(InvalidPhone):
        normalize_cn_mobile(raw)
