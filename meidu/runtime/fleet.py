"""Every web machine behind the load balancer serves with the same secrets, keys and stores.

A request may land on any machine: a session cookie or a CSRF token signed with machine A's
SECRET_KEY is refused on machine B, a JWT signed with A's key fails on B, a phone code kept as an
HMAC under A's secret never matches on B, and a machine on another database or bucket serves
another shop. Nothing on one machine can see the others' settings, so each `meidu serve` announces
a fingerprint of them (digests, never the secrets) in the shared Redis (REDIS_URL), keeps it fresh
while it runs, and refuses to start beside a live machine that announced a different one, naming
what differs. A difference that appears later (a key rotated on one machine's own folder) is logged
by the heartbeat.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from pathlib import Path

from django.conf import settings

from meidu.core.search.data import DICTIONARY, SYNONYMS, data_dirs

logger = logging.getLogger("meidu.fleet")

FLEET_KEY = "meidu:fleet:web-machines"
HEARTBEAT_SECONDS = 20
# A machine that has not announced itself for this long is gone (stopped, or died).
STALE_SECONDS = 3 * HEARTBEAT_SECONDS

# What each part of the fingerprint is, for the refusal.
LABELS = {
    "secret_key": "SECRET_KEY (sessions, CSRF, signed links)",
    "phone_code_secret": "PHONE_CODE_SECRET (phone codes are kept as an HMAC under it)",
    "warehouse_key_secret": "EXCHANGE_WAREHOUSE_KEY_SECRET (wraps the warehouses' signing keys)",
    "signing_keys": "the signing keys in JWT_KEYS_DIR (JWTs, webhook signatures)",
    "statement_keys": "the statement keys in JWT_KEYS_DIR/statements (signed statements)",
    "public_url": "PUBLIC_URL (the load balancer's address)",
    "database": "DATABASE_URL (host, port and database)",
    "media": "the media storage (bucket or shared MEDIA_ROOT)",
    "search_data": "the search dictionaries and synonyms (SEARCH_DATA_DIRS files)",
}


def _digest(secret: str) -> str:
    """A digest that tells whether two secrets are equal without telling anything of them."""
    return hmac.new(secret.encode(), b"meidu-fleet-fingerprint", hashlib.sha256).hexdigest()[:16]


def _files_digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            continue
    return digest.hexdigest()[:16]


def _search_data_files() -> list[Path]:
    return [folder / name for folder in data_dirs() for name in (DICTIONARY, SYNONYMS) if (folder / name).is_file()]


def _media() -> str:
    backend = settings.STORAGES["default"]["BACKEND"]
    if settings.AWS_STORAGE_BUCKET_NAME:
        return f"{backend} {settings.AWS_S3_ENDPOINT_URL or 'aws'} {settings.AWS_STORAGE_BUCKET_NAME}"
    return f"{backend} {settings.MEDIA_ROOT}"


def fingerprint() -> dict[str, str]:
    """This machine's settings that must be equal on every web machine, as comparable digests."""
    database = settings.DATABASES["default"]
    keys_dir = Path(settings.JWT_KEYS_DIR)
    warehouse_secret = getattr(settings, "EXCHANGE_WAREHOUSE_KEY_SECRET", "")
    return {
        "secret_key": _digest(settings.SECRET_KEY),
        # Unset, these fall back to SECRET_KEY, compared above.
        "phone_code_secret": _digest(settings.PHONE_CODE_SECRET) if settings.PHONE_CODE_SECRET else "SECRET_KEY",
        "warehouse_key_secret": _digest(warehouse_secret) if warehouse_secret else "SECRET_KEY",
        "signing_keys": _files_digest(list(keys_dir.glob("*.pem"))),
        "statement_keys": _files_digest(list((keys_dir / "statements").glob("*.pem"))),
        "public_url": settings.PUBLIC_URL.rstrip("/"),
        "database": f"{database.get('HOST') or ''}:{database.get('PORT') or ''}/{database.get('NAME')}",
        "media": _media(),
        "search_data": _files_digest(_search_data_files()),
    }


def differences(mine: dict[str, str], machine: str, theirs: dict[str, str]) -> list[str]:
    """One line per setting that ``machine`` serves with otherwise than this one."""
    return [
        f"{LABELS.get(name, name)} differs from web machine {machine}: set it the same on every machine."
        for name in LABELS
        if name in theirs and theirs.get(name) != mine.get(name)
    ]


class Fleet:
    """The web machines announced in one Redis (a hash of machine name -> fingerprint and time)."""

    def __init__(self, client, machine: str):
        self.client = client
        self.machine = machine

    def live_machines(self, now: float | None = None) -> dict[str, dict[str, str]]:
        """The fingerprints of the other machines seen within STALE_SECONDS (stale entries are dropped)."""
        now = time.time() if now is None else now
        live = {}
        for raw_name, raw in self.client.hgetall(FLEET_KEY).items():
            name = raw_name.decode() if isinstance(raw_name, bytes) else raw_name
            try:
                entry = json.loads(raw)
                seen, theirs = float(entry["seen"]), dict(entry["fingerprint"])
            except (ValueError, KeyError, TypeError):
                seen, theirs = 0.0, {}
            if now - seen > STALE_SECONDS:
                self.client.hdel(FLEET_KEY, name)
            elif name != self.machine:
                live[name] = theirs
        return live

    def problems(self, mine: dict[str, str]) -> list[str]:
        return [
            line for name, theirs in sorted(self.live_machines().items()) for line in differences(mine, name, theirs)
        ]

    def announce(self, mine: dict[str, str]) -> None:
        self.client.hset(FLEET_KEY, self.machine, json.dumps({"seen": time.time(), "fingerprint": mine}))

    def leave(self) -> None:
        self.client.hdel(FLEET_KEY, self.machine)

    def heartbeat(self, stop: threading.Event, seconds: float = HEARTBEAT_SECONDS) -> threading.Thread:
        """Announce this machine every ``seconds`` until ``stop`` is set (then leave); a difference
        that appears meanwhile is logged, once per change."""

        def beat():
            reported: list[str] = []
            while not stop.wait(seconds):
                try:
                    mine = fingerprint()
                    self.announce(mine)
                    found = self.problems(mine)
                except Exception:
                    logger.warning("Could not announce this web machine in Redis.", exc_info=True)
                    continue
                if found and found != reported:
                    for line in found:
                        logger.error("Web machines disagree: %s", line)
                reported = found
            try:
                self.leave()
            except Exception:
                logger.warning("Could not remove this web machine from Redis.", exc_info=True)

        thread = threading.Thread(target=beat, name="meidu-fleet", daemon=True)
        thread.start()
        return thread


def redis_fleet(machine: str) -> Fleet | None:
    """The fleet in REDIS_URL's Redis, or None without one."""
    if not settings.REDIS_URL:
        return None
    from redis import Redis

    return Fleet(Redis.from_url(settings.REDIS_URL, socket_connect_timeout=5, socket_timeout=5), machine)
