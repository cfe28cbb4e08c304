"""The online agricultural fair (网上农展): staff open a fair, shops apply for a stall with products,
staff approve. A fair is upcoming, open or over by its dates alone (fairs.selectors.fair_phase), so a
fair past its last day never reads as open."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Fair(models.Model):
    title = models.CharField(max_length=80)
    theme = models.CharField(max_length=200, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agricultural fair")
        verbose_name_plural = _("agricultural fairs")
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="farm_fair_dates")]
        permissions = [("manage_fairs", "Open fairs and approve stalls")]

    def __str__(self):
        return self.title


class StallStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# The whole stall state machine: allowed transitions in one place.
STALL_TRANSITIONS = {
    StallStatus.APPLIED: {StallStatus.APPROVED, StallStatus.REJECTED},
    StallStatus.APPROVED: set(),
    StallStatus.REJECTED: set(),
}


class FairStall(models.Model):
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="stalls")
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey("geography.Town", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=StallStatus.choices, default=StallStatus.APPLIED)
    pitch = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fair stall")
        verbose_name_plural = _("fair stalls")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["fair", "shop"], name="farm_stall_once_per_fair")]


class FairStallProduct(models.Model):
    stall = models.ForeignKey(FairStall, on_delete=models.CASCADE, related_name="products")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["stall", "product"], name="farm_stall_product_once")]


class FairStallEvent(models.Model):
    stall = models.ForeignKey(FairStall, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=10, choices=StallStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
