from django.db import models


class IdempotencyRecord(models.Model):
    """The first answer to a (scope, actor, key); a retry gets it back instead of acting twice."""

    scope = models.CharField(max_length=100)
    actor_key = models.CharField(max_length=100)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "actor_key", "key"], name="idempotency_unique_key")]
