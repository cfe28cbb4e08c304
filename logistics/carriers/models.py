"""A tracking subscription per express shipment, and every push a carrier sent us, kept raw."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubscriptionState(models.TextChoices):
    PENDING = "pending", _("Not subscribed yet")
    POLLING = "polling", _("Being tracked")
    FINISHED = "finished", _("Tracking finished")
    ABORTED = "aborted", _("No update for days")


class TrackingSubscription(models.Model):
    shipment = models.OneToOneField("shipments.Shipment", on_delete=models.CASCADE, related_name="tracking")
    carrier = models.CharField(max_length=8)
    tracking_number = models.CharField(max_length=40)
    state = models.CharField(max_length=16, choices=SubscriptionState.choices, default=SubscriptionState.PENDING)
    message = models.CharField(max_length=255, blank=True)
    subscribed_at = models.DateTimeField(null=True, blank=True)
    last_push_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["carrier", "tracking_number"], name="one_subscription_per_waybill")
        ]


class PushRecord(models.Model):
    """A carrier's push as received (before and whatever the verification), for audits and replays."""

    received_at = models.DateTimeField(auto_now_add=True)
    carrier = models.CharField(max_length=8, blank=True)
    tracking_number = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=24)
    body = models.TextField()

    class Meta:
        ordering = ["-id"]
