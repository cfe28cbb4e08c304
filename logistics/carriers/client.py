"""The tracking aggregator's subscribe call, in the common Chinese subscribe-and-push protocol
(Kuaidi100's `poll`): we subscribe a waybill with our callback URL and a salt; the aggregator then pushes
each scan to the callback, signed with MD5(param + salt)."""

from __future__ import annotations

import json

import requests

COMPANY_CODES = {"SF": "shunfeng", "ZTO": "zhongtong", "YTO": "yuantong", "JD": "jd", "EMS": "ems"}
CARRIER_OF_COMPANY = {company: carrier for carrier, company in COMPANY_CODES.items()}


class TrackingUnavailable(Exception):
    """The aggregator did not take the subscription (down, slow, or refused)."""


class TrackingClient:
    def __init__(self, base_url: str, key: str, timeout_s: float = 5.0, session=None):
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.timeout_s = timeout_s
        self.session = session or requests.Session()

    def subscribe(self, carrier: str, number: str, callback_url: str, salt: str, phone: str = "") -> str:
        """Subscribe the waybill; returns "subscribed" or "already" (the aggregator's 501: still polling)."""
        parameters = {"callbackurl": callback_url, "salt": salt, "resultv2": "1"}
        if phone:
            parameters["phone"] = phone  # SF needs the sender's or recipient's phone
        param = {"company": COMPANY_CODES[carrier], "number": number, "key": self.key, "parameters": parameters}
        try:
            response = self.session.post(
                f"{self.base_url}/poll",
                data={"schema": "json", "param": json.dumps(param, ensure_ascii=False, separators=(",", ":"))},
                timeout=self.timeout_s,
            )
            response.raise_for_status()
            body = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise TrackingUnavailable(exc.__class__.__name__) from exc
        code = str(body.get("returnCode"))
        if code == "200" and body.get("result") is True:
            return "subscribed"
        if code == "501":
            return "already"
        raise TrackingUnavailable(f"returnCode {code}: {body.get('message', '')}"[:200])
