"""Detached JWS (RFC 7515 appendix F with RFC 7797 unencoded payload) for webhook bodies.

The signature header carries ``<protected>..<signature>``: the payload is the HTTP
body itself, signed as raw bytes (``b64: false``), so receivers verify exactly what
they received with a public key from /.well-known/jwks.json chosen by ``kid``.
"""

from __future__ import annotations

import base64
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from meidu.core.keys import b64url, key_ring


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def sign_detached(payload: bytes) -> str:
    key = key_ring().active
    header = {"alg": "RS256", "kid": key.kid, "b64": False, "crit": ["b64"]}
    protected = b64url(json.dumps(header, separators=(",", ":")).encode())
    signing_input = protected.encode("ascii") + b"." + payload
    signature = key.private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{protected}..{b64url(signature)}"


def read_protected_header(jws: str) -> dict:
    protected, _, _ = _split(jws)
    return json.loads(_b64decode(protected))


def _split(jws: str) -> tuple[str, str, str]:
    parts = jws.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise ValueError("Not a detached JWS")
    return parts[0], parts[1], parts[2]


def verify_detached(jws: str, payload: bytes, public_key: rsa.RSAPublicKey) -> bool:
    """True when the detached JWS signs exactly ``payload``; used by receivers and tests."""
    protected, _, signature = _split(jws)
    header = json.loads(_b64decode(protected))
    if header.get("alg") != "RS256" or header.get("b64") is not False or "b64" not in header.get("crit", []):
        return False
    try:
        public_key.verify(
            _b64decode(signature), protected.encode("ascii") + b"." + payload, padding.PKCS1v15(), hashes.SHA256()
        )
    except InvalidSignature:
        return False
    return True
