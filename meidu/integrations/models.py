"""Apps (banks, carriers, payment providers), their tokens and webhooks, and the outbox.

The outbox: an event writes an EventPayload and one EventDelivery per subscribed
webhook in the transaction that caused it; Celery delivers after commit and a beat
task re-dispatches whatever is due, so no event is lost when a broker hiccups.
"""

from django.contrib.auth.models import Permission
from django.contrib.postgres.fields import ArrayField
from django.db import models


class App(models.Model):
    name = models.CharField(max_length=120)
    identifier = models.SlugField(max_length=120, unique=True)
    is_active = models.BooleanField(default=True)
    permissions = models.ManyToManyField(Permission, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        permissions = [("manage_apps", "Manage apps, their tokens and webhooks")]

    def __str__(self):
        return self.name

    # Duck-typing with User so that permission checks treat both alike.
    is_authenticated = True
    is_anonymous = False


class AppToken(models.Model):
    """Only a SHA-256 of the token is kept; the token itself is shown once, at creation."""

    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=120, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    token_last_4 = models.CharField(max_length=4)
    created_at = models.DateTimeField(auto_now_add=True)


class Webhook(models.Model):
    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="webhooks")
    name = models.CharField(max_length=120, blank=True)
    target_url = models.URLField(max_length=500)
    is_active = models.BooleanField(default=True)
    events = ArrayField(models.CharField(max_length=64), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class EventPayload(models.Model):
    event_type = models.CharField(max_length=64, db_index=True)
    payload = models.TextField(help_text="The exact JSON body sent (and signed).")
    created_at = models.DateTimeField(auto_now_add=True)


class EventDeliveryStatus(models.TextChoices):
    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"


class EventDelivery(models.Model):
    payload = models.ForeignKey(EventPayload, on_delete=models.CASCADE, related_name="deliveries")
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event_type = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=EventDeliveryStatus.choices, default=EventDeliveryStatus.PENDING)
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]


class EventDeliveryAttempt(models.Model):
    delivery = models.ForeignKey(EventDelivery, on_delete=models.CASCADE, related_name="attempts")
    status = models.CharField(max_length=16, choices=EventDeliveryStatus.choices)
    response_status_code = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    request_headers = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
