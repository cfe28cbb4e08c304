"""RSA2 (SHA256withRSA) as Alipay's open platform uses it, over ``cryptography``.

Alipay signs the *content string* of a message: every parameter except ``sign`` (and, when a
notification or a return is verified, ``sign_type``), empty values dropped, sorted by name,
joined as ``name=value`` with ``&`` and no URL encoding. A response's signature covers the
exact JSON text of its ``alipay_*_response`` member, as it stands in the body: re-serialising
the parsed JSON would change spacing or escaping and break it, so ``response_content`` cuts
that text out of the raw body.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def content_string(params: Mapping[str, object], *, exclude: tuple[str, ...] = ("sign",)) -> str:
    """The string Alipay signs: non-empty parameters but ``exclude``, sorted, ``k=v`` joined by ``&``."""
    return "&".join(
        f"{key}={params[key]}"
        for key in sorted(params)
        if key not in exclude and params[key] is not None and str(params[key]) != ""
    )


def sign(message: str, private_key: rsa.RSAPrivateKey) -> str:
    """Base64 of SHA256withRSA (PKCS#1 v1.5) over the UTF-8 message."""
    signature = private_key.sign(message.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def verify(message: str, signature: str, public_key: rsa.RSAPublicKey) -> bool:
    """True when ``signature`` (base64) is the RSA2 signature of ``message``; any malformed input is False."""
    try:
        raw = base64.b64decode(signature or "", validate=True)
        public_key.verify(raw, message.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError, UnicodeError):
        return False
    return True


def response_content(body: str, member: str) -> str | None:
    """The raw JSON text of ``member`` in an Alipay response body (what its ``sign`` covers), or None."""
    try:
        start = body.index(f'"{member}"')
        start = body.index(":", start + len(member) + 2) + 1
    except ValueError:
        return None
    while start < len(body) and body[start] in " \t\r\n":
        start += 1
    try:
        _value, end = json.JSONDecoder().raw_decode(body, start)
    except ValueError:
        return None
    return body[start:end]


def _pem_body(text: str, kind: str) -> bytes:
    """Accept a PEM file or the bare base64 key Alipay's console shows (no BEGIN/END lines)."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        return text.encode()
    return f"-----BEGIN {kind}-----\n{text}\n-----END {kind}-----\n".encode()


@lru_cache(maxsize=8)
def _private_key(path: str, mtime: float) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(_pem_body(Path(path).read_text(), "PRIVATE KEY"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{path} does not hold an RSA private key")
    return key


@lru_cache(maxsize=8)
def _public_key(path: str, mtime: float) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(_pem_body(Path(path).read_text(), "PUBLIC KEY"))
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError(f"{path} does not hold an RSA public key")
    return key


def private_key_from(path: str) -> rsa.RSAPrivateKey:
    """The app's private key from a PEM (PKCS#8) file; reloaded when the file changes (key rotation)."""
    return _private_key(path, Path(path).stat().st_mtime)


def public_key_from(path: str) -> rsa.RSAPublicKey:
    """Alipay's public key from a PEM file (or the bare base64 the console shows)."""
    return _public_key(path, Path(path).stat().st_mtime)
