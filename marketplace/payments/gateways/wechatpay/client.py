"""A small WeChat Pay API v3 client over requests: signs every call, verifies every answer.

Every call has a connect and a read timeout (settings); a partner that never answers becomes a
GatewayError, as does an answer whose platform signature does not verify (it is not trusted).
"""

from __future__ import annotations

import hashlib
import json
import logging
from urllib.parse import urlencode, urlsplit

import requests

from marketplace.payments.gateways.base import GatewayError
from marketplace.payments.gateways.wechatpay.config import WechatPayConfig
from marketplace.payments.gateways.wechatpay.signing import SignatureError, authorization, verify_platform_signature

logger = logging.getLogger("meidu.payments.wechatpay")


class WechatPayError(GatewayError):
    """WeChat Pay refused the call: ``code`` is its error code (e.g. NOT_ENOUGH, ORDER_NOT_EXIST)."""

    def __init__(self, message: str, *, code: str = "", status: int = 0):
        super().__init__(message)
        self.code = code
        self.status = status


class WechatPayClient:
    def __init__(self, config: WechatPayConfig, session: requests.Session | None = None):
        self.config = config
        self.session = session or requests.Session()

    def _send(self, method: str, url: str, path: str, body: str) -> requests.Response:
        headers = {
            "Authorization": authorization(
                mchid=self.config.mchid,
                serial=self.config.serial,
                private_key=self.config.private_key,
                method=method,
                path=path,
                body=body,
            ),
            "Accept": "application/json",
            "User-Agent": "meidu-market/wechatpay-v3",
        }
        if body:
            headers["Content-Type"] = "application/json"
        try:
            return self.session.request(
                method, url, data=body.encode("utf-8") if body else None, headers=headers, timeout=self.config.timeouts
            )
        except requests.Timeout as exc:
            logger.warning("WeChat Pay did not answer %s %s in time", method, path)
            raise GatewayError("WeChat Pay did not answer in time; try again.") from exc
        except requests.RequestException as exc:
            logger.warning("WeChat Pay unreachable for %s %s: %s", method, path, exc)
            raise GatewayError("WeChat Pay cannot be reached; try again.") from exc

    def call(self, method: str, path: str, *, params: dict | None = None, body: dict | None = None) -> dict:
        """One signed call; the verified JSON answer ({} for 204). WechatPayError when WeChat Pay refuses."""
        if params:
            path = f"{path}?{urlencode(params)}"
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":")) if body is not None else ""
        response = self._send(method, self.config.api_base + path, path, text)
        try:
            verify_platform_signature(
                self.config.certificates, response.headers, response.content, max_skew_seconds=None
            )
        except SignatureError as exc:
            logger.error("Unverified answer from WeChat Pay to %s %s: %s", method, path, exc)
            raise GatewayError("WeChat Pay's answer could not be verified.") from exc
        data = {}
        if response.content:
            try:
                data = response.json()
            except ValueError as exc:
                raise GatewayError("WeChat Pay answered with something that is not JSON.") from exc
        if response.status_code >= 400:
            code = str(data.get("code") or "") if isinstance(data, dict) else ""
            message = str(data.get("message") or "") if isinstance(data, dict) else ""
            logger.warning("WeChat Pay refused %s %s: %s %s %s", method, path, response.status_code, code, message)
            raise WechatPayError(
                message or code or "WeChat Pay refused the request", code=code, status=response.status_code
            )
        return data if isinstance(data, dict) else {}

    def download(self, url: str, *, sha1: str) -> bytes:
        """A bill file from the ``download_url`` WeChat Pay gave: signed like a call, checked by its SHA-1.

        The URL must be on the API's own host, so our signed request never goes anywhere else."""
        base, target = urlsplit(self.config.api_base), urlsplit(url)
        if (target.scheme, target.netloc) != (base.scheme, base.netloc):
            raise GatewayError("The bill download address is not on WeChat Pay's API host.")
        path = target.path + (f"?{target.query}" if target.query else "")
        response = self._send("GET", url, path, "")
        if response.status_code >= 400:
            raise WechatPayError("The bill file could not be downloaded", status=response.status_code)
        if sha1 and hashlib.sha1(response.content).hexdigest().lower() != sha1.lower():
            raise GatewayError("The bill file does not match the hash WeChat Pay gave.")
        return response.content
