"""WeChat Pay API v3 cryptography, from its published specification (no SDK).

* Our requests carry ``Authorization: WECHATPAY2-SHA256-RSA2048 mchid=...,serial_no=...,nonce_str=...,
  timestamp=...,signature=...``: SHA256 with RSA (PKCS#1 v1.5) by the merchant API key over
  ``METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n``.
* WeChat Pay's answers and notifications are signed by its platform key over
  ``TIMESTAMP\\nNONCE\\nBODY\\n`` (headers Wechatpay-Timestamp, -Nonce, -Signature, -Serial); we verify
  with the platform certificate whose serial the answer names.
* A notification's ``resource`` is encrypted with AEAD_AES_256_GCM under the APIv3 key
  (nonce and associated data given beside the ciphertext).
* The JSAPI page signs ``APPID\\nTIMESTAMP\\nNONCE\\npackage\\n`` for WeixinJSBridge.
"""

from __future__ import annotations

import base64
import json
import secrets
import time

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SCHEMA = "WECHATPAY2-SHA256-RSA2048"


class SignatureError(Exception):
    """A signature, a certificate serial, a timestamp or a ciphertext that does not check out."""


def sign(private_key: rsa.RSAPrivateKey, message: str) -> str:
    signature = private_key.sign(message.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def verify(public_key, message: bytes, signature_b64: str) -> bool:
    try:
        public_key.verify(base64.b64decode(signature_b64, validate=True), message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def nonce() -> str:
    return secrets.token_hex(16).upper()


def authorization(
    *, mchid: str, serial: str, private_key, method: str, path: str, body: str, timestamp=None, nonce_str=None
) -> str:
    """The Authorization header of one request; ``path`` includes the query string."""
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce_str = nonce_str or nonce()
    signature = sign(private_key, f"{method.upper()}\n{path}\n{timestamp}\n{nonce_str}\n{body}\n")
    return (
        f'{SCHEMA} mchid="{mchid}",nonce_str="{nonce_str}",signature="{signature}",'
        f'timestamp="{timestamp}",serial_no="{serial}"'
    )


def signed_message(timestamp: str, nonce_str: str, body: bytes) -> bytes:
    return f"{timestamp}\n{nonce_str}\n".encode() + body + b"\n"


def verify_platform_signature(
    certificates: dict, headers, body: bytes, *, max_skew_seconds: int | None, now: float | None = None
) -> None:
    """Check an answer's or a notification's Wechatpay-* headers over the raw body; SignatureError if not.

    ``certificates`` maps serial (upper-case hex) to public key. ``max_skew_seconds`` None skips the
    timestamp window (answers to our own calls); notifications outside it are refused as replays.
    """
    serial = (headers.get("Wechatpay-Serial") or "").strip().upper()
    timestamp = (headers.get("Wechatpay-Timestamp") or "").strip()
    nonce_str = (headers.get("Wechatpay-Nonce") or "").strip()
    signature = (headers.get("Wechatpay-Signature") or "").strip()
    if not (serial and timestamp and nonce_str and signature):
        raise SignatureError("missing Wechatpay-Serial, -Timestamp, -Nonce or -Signature header")
    public_key = certificates.get(serial)
    if public_key is None:
        raise SignatureError(f"unknown platform certificate serial {serial[:64]}")
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise SignatureError("malformed timestamp")
    if max_skew_seconds is not None:
        now = time.time() if now is None else now
        if abs(now - int(timestamp)) > max_skew_seconds:
            raise SignatureError("timestamp outside the accepted window (stale or replayed)")
    if not verify(public_key, signed_message(timestamp, nonce_str, body), signature):
        raise SignatureError("signature does not verify with the platform certificate")


def decrypt_resource(apiv3_key: bytes, resource: dict) -> dict:
    """The plaintext JSON of a notification's encrypted ``resource``; SignatureError when it does not decrypt."""
    if not isinstance(resource, dict) or resource.get("algorithm") != "AEAD_AES_256_GCM":
        raise SignatureError("unsupported resource algorithm")
    try:
        plaintext = AESGCM(apiv3_key).decrypt(
            str(resource["nonce"]).encode("utf-8"),
            base64.b64decode(str(resource["ciphertext"]), validate=True),
            str(resource.get("associated_data") or "").encode("utf-8") or None,
        )
        data = json.loads(plaintext)
    except (InvalidTag, KeyError, ValueError, TypeError) as exc:
        raise SignatureError("resource does not decrypt with the APIv3 key") from exc
    if not isinstance(data, dict):
        raise SignatureError("resource is not an object")
    return data


def jsapi_parameters(*, appid: str, prepay_id: str, private_key, timestamp=None, nonce_str=None) -> dict:
    """What WeixinJSBridge.invoke('getBrandWCPayRequest', ...) takes for one prepay id."""
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce_str = nonce_str or nonce()
    package = f"prepay_id={prepay_id}"
    return {
        "appId": appid,
        "timeStamp": timestamp,
        "nonceStr": nonce_str,
        "package": package,
        "signType": "RSA",
        "paySign": sign(private_key, f"{appid}\n{timestamp}\n{nonce_str}\n{package}\n"),
    }
