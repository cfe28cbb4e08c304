"""Reads of idempotency records."""

from meidu.core.idempotency.models import IdempotencyRecord


def idempotency_key_seen(*, scope: str, actor_key: str, key: str | None) -> bool:
    """Whether a call under this key was already made (a retry replays it, or is refused as reuse)."""
    if not key:
        return False
    return IdempotencyRecord.objects.filter(scope=scope, actor_key=actor_key, key=key).exists()
