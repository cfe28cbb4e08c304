"""A small client of Alipay's open platform gateway (``gateway.do``): signed requests, verified answers.

Settings (environment variables, read in meidu/settings/base.py; keys are files, never in the repo):
ALIPAY_APP_ID, ALIPAY_APP_PRIVATE_KEY_PATH (our RSA2 private key, PKCS#8 PEM), ALIPAY_PUBLIC_KEY_PATH
(Alipay's public key), ALIPAY_GATEWAY_URL, ALIPAY_NOTIFY_URL, ALIPAY_TIMEOUT_SECONDS.

Every request carries the common parameters (app_id, method, charset, sign_type=RSA2, timestamp
in Beijing time, version, biz_content) signed with our private key. Pages the buyer opens (wap
and page pay) are signed GET URLs; server calls are form POSTs whose ``alipay_*_response`` must
carry a signature that Alipay's public key verifies, else the answer is not believed. A partner
that does not answer within the timeout is an ``AlipayUnreachable``, never a hang.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import requests
from django.conf import settings

from marketplace.payments.gateways.alipay.signing import (
    content_string,
    private_key_from,
    public_key_from,
    response_content,
    sign,
    verify,
)

logger = logging.getLogger("meidu.payments.alipay")
BEIJING = ZoneInfo("Asia/Shanghai")
SUCCESS = "10000"
PRODUCTION_GATEWAY = "https://openapi.alipay.com/gateway.do"
SANDBOX_HOSTS = ("alipaydev.com", "sandbox")


class AlipayError(Exception):
    """Alipay refused the call (``code``/``sub_code`` as it answered) or its answer could not be believed."""

    def __init__(self, message: str, *, code: str = "", sub_code: str = ""):
        super().__init__(message)
        self.code = code
        self.sub_code = sub_code


class AlipayUnreachable(AlipayError):
    """No answer (connection refused, timed out, not HTTP 200)."""


@dataclass(frozen=True)
class AlipayConfig:
    app_id: str
    private_key_path: str
    public_key_path: str
    gateway_url: str
    notify_url: str
    timeout: float

    @classmethod
    def from_settings(cls) -> AlipayConfig:
        return cls(
            app_id=settings.ALIPAY_APP_ID,
            private_key_path=settings.ALIPAY_APP_PRIVATE_KEY_PATH,
            public_key_path=settings.ALIPAY_PUBLIC_KEY_PATH,
            gateway_url=settings.ALIPAY_GATEWAY_URL,
            notify_url=settings.ALIPAY_NOTIFY_URL,
            timeout=float(settings.ALIPAY_TIMEOUT_SECONDS),
        )

    @property
    def configured(self) -> bool:
        return bool(self.app_id and self.private_key_path and self.public_key_path and self.gateway_url)

    @property
    def is_sandbox(self) -> bool:
        return any(host in self.gateway_url for host in SANDBOX_HOSTS)


class AlipayClient:
    def __init__(self, config: AlipayConfig | None = None):
        self.config = config or AlipayConfig.from_settings()

    # --- requests -------------------------------------------------------------------------------------

    def signed_params(self, method: str, biz: dict, **extra: str) -> dict[str, str]:
        """The common parameters, ``extra`` (return_url, notify_url) and biz_content, with ``sign``."""
        params = {
            "app_id": self.config.app_id,
            "method": method,
            "format": "JSON",
            "charset": "utf-8",
            "sign_type": "RSA2",
            "timestamp": datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
            "version": "1.0",
            "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":")),
            **{key: value for key, value in extra.items() if value},
        }
        params["sign"] = sign(content_string(params), private_key_from(self.config.private_key_path))
        return params

    def page_url(self, method: str, biz: dict, *, return_url: str = "", notify_url: str = "") -> str:
        """The signed URL the buyer's browser opens (alipay.trade.wap.pay / alipay.trade.page.pay)."""
        params = self.signed_params(method, biz, return_url=return_url, notify_url=notify_url or self.config.notify_url)
        return f"{self.config.gateway_url}?{urlencode(params)}"

    def call(self, method: str, biz: dict, *, notify_url: str = "") -> dict:
        """POST one API method; its verified ``alipay_*_response`` when code is 10000, else AlipayError."""
        params = self.signed_params(method, biz, notify_url=notify_url)
        try:
            answer = requests.post(
                self.config.gateway_url,
                params={"charset": "utf-8"},
                data=params,
                timeout=(self.config.timeout, self.config.timeout),
            )
        except requests.RequestException as exc:
            logger.warning("Alipay %s: no answer from %s (%s)", method, self.config.gateway_url, exc)
            raise AlipayUnreachable(f"Alipay did not answer: {exc.__class__.__name__}") from exc
        if answer.status_code != 200:
            logger.warning("Alipay %s: HTTP %s", method, answer.status_code)
            raise AlipayUnreachable(f"Alipay answered HTTP {answer.status_code}")
        return self.verified_response(method, answer.content.decode("utf-8", errors="replace"))

    def verified_response(self, method: str, body: str) -> dict:
        member = method.replace(".", "_") + "_response"
        raw = response_content(body, member)
        if raw is None:
            raw = response_content(body, "error_response")
            member = "error_response"
        try:
            payload = json.loads(body)
            data = json.loads(raw) if raw is not None else None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            logger.warning("Alipay %s: an answer that is not Alipay's JSON", method)
            raise AlipayError("Alipay's answer could not be read")
        signature = payload.get("sign") if isinstance(payload, dict) else None
        signed = bool(signature) and verify(raw, signature, public_key_from(self.config.public_key_path))
        code = str(data.get("code", ""))
        if code != SUCCESS or member == "error_response":
            # Refusals carry no money; an unsigned one is still only a refusal.
            message = data.get("sub_msg") or data.get("msg") or "Alipay refused the request"
            logger.warning("Alipay %s refused: %s %s %s", method, code, data.get("sub_code", ""), message)
            raise AlipayError(str(message), code=code, sub_code=str(data.get("sub_code", "")))
        if not signed:
            logger.error("Alipay %s: the answer's signature does not verify; not believed", method)
            raise AlipayError("Alipay's answer is not signed by Alipay")
        return data

    def download(self, url: str) -> bytes:
        """A file Alipay points at (the daily bill), with the same timeout."""
        try:
            answer = requests.get(url, timeout=(self.config.timeout, self.config.timeout))
        except requests.RequestException as exc:
            raise AlipayUnreachable(f"The bill could not be downloaded: {exc.__class__.__name__}") from exc
        if answer.status_code != 200:
            raise AlipayUnreachable(f"The bill download answered HTTP {answer.status_code}")
        return answer.content

    # --- what Alipay sends us -----------------------------------------------------------------------------

    def notification_verified(self, params: dict[str, str]) -> bool:
        """An asynchronous notification (or a return's query string) signed by Alipay: the content
        string without ``sign`` and ``sign_type``, verified with Alipay's public key."""
        if params.get("sign_type") != "RSA2" or not params.get("sign"):
            return False
        message = content_string(params, exclude=("sign", "sign_type"))
        return verify(message, params["sign"], public_key_from(self.config.public_key_path))
