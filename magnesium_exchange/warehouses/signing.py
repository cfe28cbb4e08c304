"""Ed25519 seal keys of supervised warehouses: create, encrypt at rest, sign, verify, publish as JWKs.

Private keys are stored AES-256-GCM encrypted (nonce || ciphertext, base64url) under a key derived
with HKDF from ``EXCHANGE_WAREHOUSE_KEY_SECRET`` (default: SECRET_KEY), bound to the key's kid as
associated data. ``kid`` is the RFC 7638 thumbprint of the OKP public JWK. Decrypted keys are
cached per process by kid (they never change).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from meidu.core.keys import b64url


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def canonical_json(content: dict) -> bytes:
    """The bytes that are hashed and signed: sorted keys, no spaces, UTF-8 (Chinese kept as is)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def content_hash(content: dict) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()


def okp_jwk(public_raw: bytes, kid: str | None = None) -> dict:
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(public_raw)}
    if kid:
        jwk.update({"kid": kid, "use": "sig", "alg": "EdDSA"})
    return jwk


def okp_thumbprint(public_raw: bytes) -> str:
    """RFC 7638: SHA-256 of the required members (crv, kty, x) in lexicographic order."""
    return b64url(hashlib.sha256(canonical_json(okp_jwk(public_raw))).digest())


def _wrapping_key() -> bytes:
    secret = getattr(settings, "EXCHANGE_WAREHOUSE_KEY_SECRET", "") or settings.SECRET_KEY
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"meidu-exchange-warehouse-keys", info=b"aes-gcm").derive(
        secret.encode()
    )


def key_generate() -> tuple[str, str, str]:
    """A new key pair as (kid, public key base64url, encrypted private key)."""
    private = Ed25519PrivateKey.generate()
    public_raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    private_raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    kid = okp_thumbprint(public_raw)
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(_wrapping_key()).encrypt(nonce, private_raw, kid.encode())
    return kid, b64url(public_raw), b64url(sealed)


@lru_cache(maxsize=256)
def _private_key(kid: str, encrypted: str) -> Ed25519PrivateKey:
    sealed = b64url_decode(encrypted)
    raw = AESGCM(_wrapping_key()).decrypt(sealed[:12], sealed[12:], kid.encode())
    return Ed25519PrivateKey.from_private_bytes(raw)


def sign(key, message: bytes) -> str:
    """Sign with a WarehouseKey row; the signature is base64url."""
    return b64url(_private_key(key.kid, key.private_key_encrypted).sign(message))


def verify(public_key_b64: str, message: bytes, signature_b64: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(b64url_decode(public_key_b64)).verify(b64url_decode(signature_b64), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def warehouse_public_jwks() -> list[dict]:
    """Public keys of every warehouse key (retired ones too: they verify older events)."""
    from magnesium_exchange.warehouses.models import WarehouseKey

    return [
        {**okp_jwk(b64url_decode(public_key), kid), "meidu:warehouse": code}
        for kid, public_key, code in WarehouseKey.objects.order_by("id").values_list(
            "kid", "public_key", "warehouse__code"
        )
    ]
