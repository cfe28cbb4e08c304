"""WeChat Pay settings read from the environment and key files (never from the repository).

``wechatpay_config()`` is None until every required setting is there; ``wechatpay_problems()``
says what is missing or unfit for production (``meidu check`` prints it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

PRODUCTION_API_BASE = "https://api.mch.weixin.qq.com"
# Real platform certificates are issued by Tenpay's CA; anything else (a test CA, a self-signed
# certificate such as the test suite's fake server makes) is a test key.
PLATFORM_CA_MARK = "tenpay"
NOTIFY_PATH = "/payments/wechatpay/notify/"


@dataclass(frozen=True)
class WechatPayConfig:
    mchid: str
    appid: str
    serial: str
    private_key: rsa.RSAPrivateKey
    apiv3_key: bytes
    certificates: dict = field(repr=False)  # serial (upper-case hex) -> public key
    issuers: tuple[str, ...]
    notify_url: str
    api_base: str
    app_secret: str
    timeouts: tuple[int, int]
    max_skew_seconds: int


def _read(path: str) -> bytes | None:
    try:
        return Path(path).expanduser().read_bytes()
    except OSError:
        return None


def _certificate_files(spec: str) -> list[Path]:
    files: list[Path] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        path = Path(part).expanduser()
        files.extend(sorted(path.glob("*.pem")) if path.is_dir() else [path])
    return files


def _apiv3_key() -> bytes:
    if settings.WECHATPAY_APIV3_KEY:
        return settings.WECHATPAY_APIV3_KEY.encode("utf-8")
    if settings.WECHATPAY_APIV3_KEY_PATH:
        return (_read(settings.WECHATPAY_APIV3_KEY_PATH) or b"").strip()
    return b""


def _stamp(path: str) -> float:
    try:
        return os.stat(Path(path).expanduser()).st_mtime if path else 0.0
    except OSError:
        return -1.0


def _settings_key() -> tuple:
    names = (
        "WECHATPAY_MCHID",
        "WECHATPAY_APPID",
        "WECHATPAY_APP_SECRET",
        "WECHATPAY_CERT_SERIAL",
        "WECHATPAY_PRIVATE_KEY_PATH",
        "WECHATPAY_APIV3_KEY",
        "WECHATPAY_APIV3_KEY_PATH",
        "WECHATPAY_PLATFORM_CERT_PATH",
        "WECHATPAY_NOTIFY_URL",
        "WECHATPAY_API_BASE",
        "WECHATPAY_CONNECT_TIMEOUT_SECONDS",
        "WECHATPAY_TIMEOUT_SECONDS",
        "WECHATPAY_NOTIFY_MAX_SKEW_SECONDS",
        "PUBLIC_URL",
    )
    values = tuple(getattr(settings, name, "") for name in names)
    return values + (_stamp(settings.WECHATPAY_PRIVATE_KEY_PATH), _stamp(settings.WECHATPAY_PLATFORM_CERT_PATH))


def _load() -> tuple[WechatPayConfig | None, list[str]]:
    missing = []
    for name in ("WECHATPAY_MCHID", "WECHATPAY_APPID", "WECHATPAY_CERT_SERIAL", "WECHATPAY_PRIVATE_KEY_PATH"):
        if not getattr(settings, name):
            missing.append(f"{name} is not set")
    if not settings.WECHATPAY_PLATFORM_CERT_PATH:
        missing.append("WECHATPAY_PLATFORM_CERT_PATH is not set")
    apiv3 = _apiv3_key()
    if not apiv3:
        missing.append("WECHATPAY_APIV3_KEY (or WECHATPAY_APIV3_KEY_PATH) is not set")
    elif len(apiv3) != 32:
        missing.append("the APIv3 key must be 32 characters")
    if missing:
        return None, missing
    key_bytes = _read(settings.WECHATPAY_PRIVATE_KEY_PATH)
    try:
        private_key = serialization.load_pem_private_key(key_bytes or b"", password=None)
    except (ValueError, TypeError):
        private_key = None
    if not isinstance(private_key, rsa.RSAPrivateKey):
        return None, [f"WECHATPAY_PRIVATE_KEY_PATH ({settings.WECHATPAY_PRIVATE_KEY_PATH}) is not a readable RSA key"]
    certificates, issuers = {}, []
    for path in _certificate_files(settings.WECHATPAY_PLATFORM_CERT_PATH):
        try:
            certificate = x509.load_pem_x509_certificate(_read(str(path)) or b"")
        except ValueError:
            return None, [f"WECHATPAY_PLATFORM_CERT_PATH: {path} is not a PEM certificate"]
        certificates[format(certificate.serial_number, "X")] = certificate.public_key()
        issuers.append(certificate.issuer.rfc4514_string())
    if not certificates:
        return None, [f"WECHATPAY_PLATFORM_CERT_PATH ({settings.WECHATPAY_PLATFORM_CERT_PATH}) holds no certificate"]
    notify_url = settings.WECHATPAY_NOTIFY_URL or settings.PUBLIC_URL.rstrip("/") + NOTIFY_PATH
    return (
        WechatPayConfig(
            mchid=settings.WECHATPAY_MCHID,
            appid=settings.WECHATPAY_APPID,
            serial=settings.WECHATPAY_CERT_SERIAL.upper(),
            private_key=private_key,
            apiv3_key=apiv3,
            certificates=certificates,
            issuers=tuple(issuers),
            notify_url=notify_url,
            api_base=settings.WECHATPAY_API_BASE.rstrip("/"),
            app_secret=settings.WECHATPAY_APP_SECRET,
            timeouts=(settings.WECHATPAY_CONNECT_TIMEOUT_SECONDS, settings.WECHATPAY_TIMEOUT_SECONDS),
            max_skew_seconds=settings.WECHATPAY_NOTIFY_MAX_SKEW_SECONDS,
        ),
        [],
    )


@lru_cache(maxsize=4)
def _cached(key: tuple) -> tuple[WechatPayConfig | None, list[str]]:
    return _load()


def wechatpay_config() -> WechatPayConfig | None:
    """The merchant's configuration, or None when something required is missing (the gateway is then off)."""
    return _cached(_settings_key())[0]


def wechatpay_problems(*, production: bool) -> list[str]:
    """What keeps WeChat Pay off (empty when nothing is configured at all) or unfit for production."""
    configured_any = any(
        getattr(settings, name)
        for name in ("WECHATPAY_MCHID", "WECHATPAY_PRIVATE_KEY_PATH", "WECHATPAY_APIV3_KEY", "WECHATPAY_CERT_SERIAL")
    )
    if not configured_any:
        return []
    config, cached_problems = _cached(_settings_key())
    problems = list(cached_problems)
    if config is None or not production:
        return problems
    if config.api_base != PRODUCTION_API_BASE:
        problems.append(f"WECHATPAY_API_BASE is {config.api_base}, not WeChat Pay ({PRODUCTION_API_BASE})")
    if not any(PLATFORM_CA_MARK in issuer.lower() for issuer in config.issuers):
        problems.append("the platform certificate is a test certificate (not issued by Tenpay's CA)")
    if not config.notify_url.startswith("https://"):
        problems.append(
            f"the notification URL {config.notify_url} is not https (set PUBLIC_URL or WECHATPAY_NOTIFY_URL)"
        )
    return problems
