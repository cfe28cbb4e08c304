"""Load the gateways named in settings.PAYMENT_GATEWAYS (dotted class paths), once."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string


@lru_cache(maxsize=1)
def _loaded() -> dict:
    gateways = {}
    for path in settings.PAYMENT_GATEWAYS:
        gateway = import_string(path)()
        gateways[gateway.id] = gateway
    return gateways


def gateways_clear_cache() -> None:
    """Forget loaded gateways (after settings change in tests)."""
    _loaded.cache_clear()


def gateways_all() -> list:
    """Configured gateways that are available now (e.g. Stripe only with a secret key)."""
    return [gateway for gateway in _loaded().values() if gateway.is_available()]


def gateway_get(gateway_id: str):
    """The available gateway with this id, or None."""
    gateway = _loaded().get(gateway_id)
    return gateway if gateway is not None and gateway.is_available() else None


def gateways_configuration(*, production: bool) -> list[tuple[str, bool, list[str]]]:
    """(gateway id, available now, problems) for every gateway named in settings: what `meidu check`
    reports. A gateway says what keeps it off or unfit for production through an optional
    ``configuration_problems(production=...)`` (e.g. WeChat Pay pointed at a test platform certificate)."""
    report = []
    for gateway in _loaded().values():
        problems = getattr(gateway, "configuration_problems", None)
        report.append((gateway.id, gateway.is_available(), list(problems(production=production)) if problems else []))
    return report
