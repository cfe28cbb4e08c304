"""What `meidu check` says about Alipay: configured or not, and what would be unsafe in production.

Production (neither demo nor test mode) is refused with Alipay's sandbox gateway (a test app),
with key files that cannot be read as RSA keys, or without an https notification URL (Alipay
could not reach the site, or would post payments in clear text).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from marketplace.payments.gateways.alipay.client import AlipayConfig
from marketplace.payments.gateways.alipay.signing import private_key_from, public_key_from


def alipay_check() -> tuple[str, list[str]]:
    """(one line for the operator, the problems that make serving unsafe)."""
    config = AlipayConfig.from_settings()
    if not config.configured:
        return "Alipay: not configured (ALIPAY_APP_ID, ALIPAY_APP_PRIVATE_KEY_PATH, ALIPAY_PUBLIC_KEY_PATH).", []
    problems = []
    for name, path, load in (
        ("ALIPAY_APP_PRIVATE_KEY_PATH", config.private_key_path, private_key_from),
        ("ALIPAY_PUBLIC_KEY_PATH", config.public_key_path, public_key_from),
    ):
        try:
            load(path)
        except (OSError, ValueError, TypeError) as exc:
            problems.append(f"{name} ({Path(path).name}) is not a readable RSA key: {exc.__class__.__name__}.")
    production = not (settings.DEMO_MODE or settings.TEST_MODE)
    host = urlsplit(config.gateway_url).hostname or config.gateway_url
    if production and config.is_sandbox:
        problems.append(f"ALIPAY_GATEWAY_URL points at Alipay's sandbox ({host}) in production: use the live gateway.")
    if production and urlsplit(config.notify_url).scheme != "https":
        problems.append("ALIPAY_NOTIFY_URL must be the site's https URL of /payments/alipay/notify/ in production.")
    mode = "sandbox" if config.is_sandbox else "live"
    return f"Alipay: configured (app {config.app_id}, {mode} gateway {host}).", problems
