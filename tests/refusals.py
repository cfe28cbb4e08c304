"""The assertion every refusal test makes: the call raises a DomainError with the expected code and
leaves everything ``snapshot()`` reads exactly as it was (a refusal writes nothing)."""

import pytest

from meidu.core.errors import DomainError


def assert_refused(snapshot, code: str, call, *args, **kwargs) -> DomainError:
    before = snapshot()
    with pytest.raises(DomainError) as err:
        call(*args, **kwargs)
    assert err.value.code == code, err.value.message
    assert snapshot() == before
    return err.value
