"""The RSA key ring that signs JWTs and webhook payloads.

Private keys are PEM files in settings.JWT_KEYS_DIR. The newest file signs; every
file verifies and is published at /.well-known/jwks.json, so a key can be rotated
(``meidu keys rotate``) while tokens and signatures made with the old one stay valid
until the old file is removed. ``kid`` is the RFC 7638 thumbprint of the public key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey
    path: Path

    @property
    def public_jwk(self) -> dict:
        numbers = self.private_key.public_key().public_numbers()
        return {
            "kty": "RSA",
            "kid": self.kid,
            "use": "sig",
            "alg": "RS256",
            "e": _int_b64(numbers.e),
            "n": _int_b64(numbers.n),
        }

    @property
    def private_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


def thumbprint(private_key: rsa.RSAPrivateKey) -> str:
    numbers = private_key.public_key().public_numbers()
    members = {"e": _int_b64(numbers.e), "kty": "RSA", "n": _int_b64(numbers.n)}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    return b64url(hashlib.sha256(canonical).digest())


class KeyRing:
    def __init__(self, keys: list[SigningKey]):
        if not keys:
            raise RuntimeError("The key ring is empty")
        self.keys = keys

    @property
    def active(self) -> SigningKey:
        return self.keys[-1]

    def get(self, kid: str) -> SigningKey | None:
        return next((key for key in self.keys if key.kid == kid), None)

    def jwks(self) -> dict:
        return {"keys": [key.public_jwk for key in reversed(self.keys)]}


_lock = threading.Lock()
_cache: dict[str, tuple[float, KeyRing]] = {}


def keys_dir() -> Path:
    return Path(settings.JWT_KEYS_DIR)


def generate_key(directory: Path | None = None) -> SigningKey:
    """Create a new private key file; it becomes the active signing key."""
    directory = directory or keys_dir()
    directory.mkdir(parents=True, exist_ok=True)
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = thumbprint(private_key)
    # Sortable name: the newest file is the active key.
    path = directory / f"{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}-{kid[:12]}.pem"
    key = SigningKey(kid=kid, private_key=private_key, path=path)
    path.write_bytes(key.private_pem)
    path.chmod(0o600)
    return key


def _load(directory: Path) -> list[SigningKey]:
    keys = []
    for path in sorted(directory.glob("*.pem")):
        private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(private_key, rsa.RSAPrivateKey):  # the statement keys live in a folder of their own
            continue
        keys.append(SigningKey(kid=thumbprint(private_key), private_key=private_key, path=path))
    return keys


def key_ring() -> KeyRing:
    """The current key ring, reloaded when the folder changes (rotation needs no restart)."""
    directory = keys_dir()
    with _lock:
        mtime = directory.stat().st_mtime if directory.exists() else 0.0
        cached = _cache.get(str(directory))
        if cached and cached[0] == mtime:
            return cached[1]
        keys = _load(directory) if directory.exists() else []
        if not keys:
            if not (settings.DEMO_MODE or settings.TEST_MODE or settings.DEBUG):
                raise RuntimeError(f"No signing key in {directory}: run `meidu keys rotate` once per deployment")
            generate_key(directory)
            keys = _load(directory)
            mtime = directory.stat().st_mtime
        ring = KeyRing(keys)
        _cache[str(directory)] = (mtime, ring)
        return ring
