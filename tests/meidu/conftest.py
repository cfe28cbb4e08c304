"""Fixtures of the foundation's tests: the real broker (worker and fault tests share it)."""

from tests.meidu.integrations.broker import broker  # noqa: F401 (a fixture)
