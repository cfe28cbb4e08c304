"""A shipment and its parcels, owned by logistics; the marketplace's fulfilment points at it.

Its status moves only through the named actions of `state.py`, each an event row (who, when, why)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ShipmentStatus(models.TextChoices):
    CREATED = "created", _("Created")
    PICKED_UP = "picked_up", _("Picked up")
    AT_HUB = "at_hub", _("At the hub")
    ON_RUN = "on_run", _("On a delivery run")
    AT_STATION = "at_station", _("At the village station")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    FAILED_ATTEMPT = "failed_attempt", _("Delivery attempt failed")
    RETURNED = "returned", _("Returned to sender")


class Carrier(models.TextChoices):
    COUNTY_RUN = "county", _("County delivery run")
    COUNTER = "counter", _("Pickup at a counter or station")
    SELLER = "seller", _("The seller's own delivery")
    EXPRESS = "express", _("Express carrier")


class ProofKind(models.TextChoices):
    PICKUP_CODE = "pickup_code", _("Pickup code")
    SIGNATURE = "signature", _("Signed by name")
    PHOTO = "photo", _("Photo")
    HANDED_OVER = "handed_over", _("Handed over by the driver")


class Shipment(models.Model):
    number = models.CharField(max_length=20, unique=True)
    reference = models.CharField(max_length=64, db_index=True, help_text="What it ships, e.g. order:1234/1.")
    carrier = models.CharField(max_length=16, choices=Carrier.choices)
    carrier_code = models.CharField(max_length=16, blank=True, help_text="SF, ZTO, YTO, JD, EMS for express.")
    tracking_number = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.CREATED)
    destination = models.CharField(max_length=255, blank=True)
    village = models.ForeignKey("geography.Village", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recipient_name = models.CharField(max_length=64, blank=True)
    recipient_phone = models.CharField(max_length=32, blank=True)
    cash_to_collect = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="CNY")
    weight_kg = models.DecimalField(max_digits=9, decimal_places=3, default=0)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    proof_kind = models.CharField(max_length=16, choices=ProofKind.choices, blank=True)
    proof_text = models.CharField(max_length=64, blank=True, help_text="The name signed, or the photo's file.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(cash_to_collect__gte=0), name="shipment_cash_not_negative"),
            models.CheckConstraint(condition=Q(weight_kg__gte=0), name="shipment_weight_not_negative"),
        ]

    def __str__(self):
        return self.number


class Parcel(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="parcels")
    weight_kg = models.DecimalField(max_digits=9, decimal_places=3)
    length_cm = models.PositiveSmallIntegerField(null=True, blank=True)
    width_cm = models.PositiveSmallIntegerField(null=True, blank=True)
    height_cm = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(weight_kg__gt=0), name="parcel_weight_positive")]


class ShipmentEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=24)
    status = models.CharField(max_length=20, choices=ShipmentStatus.choices)
    reason = models.CharField(max_length=255, blank=True)
    location = models.CharField(max_length=128, blank=True)
    source = models.CharField(max_length=16, default="staff", help_text="staff, driver, station or carrier")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    happened_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    external_id = models.CharField(max_length=64, blank=True, help_text="A carrier push's own id: once only.")

    class Meta:
        ordering = ["happened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "external_id"], condition=~Q(external_id=""), name="shipment_event_once"
            )
        ]
