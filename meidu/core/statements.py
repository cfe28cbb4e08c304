"""Signed statements: compact JWS (RFC 7515) with EdDSA (Ed25519, RFC 8037) over canonical JSON.

A statement is a claim the platform signs about a fact at a moment (a receipt's state, a member's
credit report) that its reader can check offline with only ``cryptography`` and the public key of
the header's ``kid`` from /.well-known/jwks.json. The payload bytes are the canonical JSON of the
claims (sorted keys, no spaces, UTF-8 with Chinese kept as is), so an outsider who decodes the
payload and re-serialises it that way gets the very bytes that were signed.

Keys are Ed25519 PEM files in ``<JWT_KEYS_DIR>/statements``; the newest signs, every one verifies and
is published (a rotated key keeps verifying older statements). Ed25519 is chosen over the RSA key
ring because a bank's nightly check asks for thousands of statements: signing costs ~50 µs, not ~1 ms.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from meidu.core.keys import b64url

STATEMENT_TYPE = "meidu-statement+jws"


def canonical_json(claims: dict) -> bytes:
    return json.dumps(claims, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _b64decode(segment: str) -> bytes:
    """Strict base64url: the unpadded alphabet only, and the one encoding of its bytes (a segment whose
    unused low bits were changed decodes to the same bytes; it is refused, so no character of a statement
    can change and the statement still verify)."""
    if not isinstance(segment, str) or "=" in segment:
        raise ValueError("not base64url")
    decoded = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    if b64url(decoded) != segment:
        raise ValueError("not canonical base64url")
    return decoded


def _public_raw(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _kid(public_raw: bytes) -> str:
    """RFC 7638 thumbprint of the OKP key (crv, kty, x in lexicographic order)."""
    members = {"crv": "Ed25519", "kty": "OKP", "x": b64url(public_raw)}
    return b64url(hashlib.sha256(canonical_json(members)).digest())


@dataclass(frozen=True)
class StatementKey:
    kid: str
    private_key: Ed25519PrivateKey
    public_raw: bytes

    @property
    def public_jwk(self) -> dict:
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64url(self.public_raw),
            "kid": self.kid,
            "use": "sig",
            "alg": "EdDSA",
            "meidu:use": "statements",
        }


def statement_keys_dir() -> Path:
    return _statement_keys_dir(str(settings.JWT_KEYS_DIR))


@lru_cache(maxsize=8)
def _statement_keys_dir(root: str) -> Path:  # the same Path for the same setting (tests change it)
    return Path(root) / "statements"


def statement_key_generate(directory: Path | None = None) -> StatementKey:
    """A new Ed25519 key file; it becomes the signing key (``meidu keys rotate`` calls this too)."""
    directory = directory or statement_keys_dir()
    directory.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    public_raw = _public_raw(private)
    path = directory / f"{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}.pem"
    path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    path.chmod(0o600)
    return StatementKey(_kid(public_raw), private, public_raw)


_lock = threading.Lock()
_cache: dict[str, tuple[float, list[StatementKey]]] = {}


def statement_keys() -> list[StatementKey]:
    """Every statement key, oldest first (the last signs); reloaded when the folder changes. Outside
    demo and test a missing key is an error (``meidu keys ensure`` makes one)."""
    directory = statement_keys_dir()
    try:  # one stat per call (the folder's mtime changes when a key file is added or removed)
        mtime = os.stat(directory).st_mtime
    except FileNotFoundError:
        mtime = 0.0
    cached = _cache.get(str(directory))
    if cached and cached[0] == mtime:
        return cached[1]
    with _lock:
        mtime = directory.stat().st_mtime if directory.exists() else 0.0
        cached = _cache.get(str(directory))
        if cached and cached[0] == mtime:
            return cached[1]
        paths = sorted(directory.glob("*.pem")) if directory.exists() else []
        if not paths:
            if not (settings.DEMO_MODE or settings.TEST_MODE or settings.DEBUG):
                raise RuntimeError(f"No statement key in {directory}: run `meidu keys ensure` once per deployment")
            statement_key_generate(directory)
            paths = sorted(directory.glob("*.pem"))
            mtime = directory.stat().st_mtime
        keys = []
        for path in paths:
            private = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(private, Ed25519PrivateKey):
                raise RuntimeError(f"{path} is not an Ed25519 key: statement keys are Ed25519 only")
            public_raw = _public_raw(private)
            keys.append(StatementKey(_kid(public_raw), private, public_raw))
        _cache[str(directory)] = (mtime, keys)
        return keys


def statement_public_jwks() -> list[dict]:
    return [key.public_jwk for key in reversed(statement_keys())]


def statement_sign(claims: dict) -> str:
    """The compact JWS of ``claims`` signed with the newest statement key."""
    key = statement_keys()[-1]
    header = {"alg": "EdDSA", "kid": key.kid, "typ": STATEMENT_TYPE}
    signing_input = b64url(canonical_json(header)) + "." + b64url(canonical_json(claims))
    return signing_input + "." + b64url(key.private_key.sign(signing_input.encode("ascii")))


class StatementInvalid(ValueError):
    """Why a statement does not verify (the message is for the reader; ``reason`` is a stable code)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def statement_verify(token: str, jwks: dict | list) -> dict:
    """The claims of a valid statement, checked against the public keys ``jwks`` (a JWKS document or
    a list of JWKs); raises StatementInvalid with the reason otherwise. Also refuses a payload that is
    not in canonical form (a re-serialised statement is not the one that was signed)."""
    if not isinstance(token, str):
        raise StatementInvalid("malformed", "A statement is a string")
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise StatementInvalid("malformed", "A statement has three dot-separated parts")
    try:
        header = json.loads(_b64decode(parts[0]))
        payload = _b64decode(parts[1])
        signature = _b64decode(parts[2])
        claims = json.loads(payload)
    except (ValueError, TypeError, UnicodeDecodeError):
        raise StatementInvalid("malformed", "The statement is not valid base64url JSON") from None
    if not isinstance(header, dict) or header.get("alg") != "EdDSA" or not isinstance(header.get("kid"), str):
        raise StatementInvalid("bad_header", "The statement's header must name alg EdDSA and a kid")
    keys = jwks.get("keys", []) if isinstance(jwks, dict) else jwks
    # a key published for another use (a warehouse's seal key, also Ed25519 in the same JWKS) never verifies a statement
    jwk = next(
        (
            k
            for k in keys
            if isinstance(k, dict)
            and k.get("kid") == header["kid"]
            and k.get("kty") == "OKP"
            and k.get("crv") == "Ed25519"
            and k.get("meidu:use", "statements") == "statements"
            and "meidu:warehouse" not in k
        ),
        None,
    )
    if jwk is None:
        raise StatementInvalid("unknown_key", f"No published Ed25519 key has kid {header['kid']}")
    try:
        Ed25519PublicKey.from_public_bytes(_b64decode(jwk["x"])).verify(
            signature, f"{parts[0]}.{parts[1]}".encode("ascii")
        )
    except (InvalidSignature, ValueError, KeyError, TypeError):
        raise StatementInvalid("bad_signature", "The signature does not match the statement") from None
    if not isinstance(claims, dict) or canonical_json(claims) != payload:
        raise StatementInvalid("not_canonical", "The payload is not in canonical form")
    return claims
