"""The county fleet and the day's route plans (one dispatched plan a day; drafts until then)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Vehicle(models.Model):
    """A delivery van of the e-commerce park hub."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=64)
    plate = models.CharField(max_length=16, blank=True)
    capacity_kg = models.DecimalField(max_digits=7, decimal_places=1)
    shift_starts = models.TimeField(help_text="When the van leaves the hub.")
    shift_hours = models.DecimalField(max_digits=4, decimal_places=1)
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["code"]
        permissions = [("plan_routes", "Plan the daily village runs (dispatcher)")]
        constraints = [
            models.CheckConstraint(condition=Q(capacity_kg__gt=0), name="vehicle_capacity_positive"),
            models.CheckConstraint(
                condition=Q(shift_hours__gt=0) & Q(shift_hours__lte=16), name="vehicle_shift_in_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    DISPATCHED = "dispatched", _("Dispatched")
    SUPERSEDED = "superseded", _("Superseded")


class RoutePlan(models.Model):
    day = models.DateField(db_index=True)
    state = models.CharField(max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    solver = models.CharField(max_length=32)
    matrix = models.CharField(max_length=32)
    solve_ms = models.PositiveIntegerField()
    distance_m = models.PositiveIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["day"], condition=Q(state="dispatched"), name="one_dispatched_plan_per_day"
            ),
        ]


class PlannedRun(models.Model):
    plan = models.ForeignKey(RoutePlan, on_delete=models.CASCADE, related_name="runs")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="+")
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    distance_m = models.PositiveIntegerField()
    duration_s = models.PositiveIntegerField()
    leaves_at = models.DateTimeField()
    back_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "vehicle__code"]
        constraints = [models.UniqueConstraint(fields=["plan", "vehicle"], name="one_run_per_vehicle_per_plan")]


class PlannedStop(models.Model):
    run = models.ForeignKey(PlannedRun, on_delete=models.CASCADE, related_name="stops")
    position = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=64)
    label = models.CharField(max_length=128)
    village = models.ForeignKey("geography.Village", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    arrives_at = models.DateTimeField()
    leaves_at = models.DateTimeField()
    delivery_kg = models.DecimalField(max_digits=8, decimal_places=1)
    pickup_kg = models.DecimalField(max_digits=8, decimal_places=1)
    load_kg = models.DecimalField(max_digits=8, decimal_places=1, help_text="On board when the van leaves.")
    cash_to_collect = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    parcels = models.JSONField(default=list, help_text="References of the parcels dropped here.")
    pickups = models.JSONField(default=list, help_text="References of the produce loaded here.")
    locked = models.BooleanField(default=False)

    class Meta:
        ordering = ["run", "position"]
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="one_stop_per_position")]


class Leftover(models.Model):
    """A stop the plan could not serve, with the reason: never dropped silently."""

    plan = models.ForeignKey(RoutePlan, on_delete=models.CASCADE, related_name="leftovers")
    key = models.CharField(max_length=64)
    label = models.CharField(max_length=128)
    reason = models.CharField(max_length=32)
    parcels = models.JSONField(default=list)

    class Meta:
        ordering = ["plan", "key"]


class StopLock(models.Model):
    """The dispatcher's choice of van for a stop on a day, kept across re-plans before departure."""

    day = models.DateField()
    key = models.CharField(max_length=64)
    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "key"], name="one_lock_per_stop_per_day")]


class PickupState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    LOADED = "loaded", _("Loaded on the van")
    CANCELLED = "cancelled", _("Cancelled")


class ProducePickup(models.Model):
    """A farmer's produce for the van's return trip to the hub (corn, pears, a pig's worth of pork)."""

    farmer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("geography.Village", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(db_index=True)
    description = models.CharField(max_length=120)
    weight_kg = models.DecimalField(max_digits=7, decimal_places=1)
    state = models.CharField(max_length=16, choices=PickupState.choices, default=PickupState.BOOKED)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    loaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("produce pickup")
        verbose_name_plural = _("produce pickups")
        ordering = ["day", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_kg__gt=0) & Q(weight_kg__lte=2000), name="produce_pickup_weight_sane"
            )
        ]

    @property
    def reference(self) -> str:
        return f"P{self.pk}"
