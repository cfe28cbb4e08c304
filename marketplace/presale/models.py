"""Harvest pre-sale (预售): buyers pay a deposit now for produce still in the field; the balance
is due once the farmer has harvested and weighed what the field gave."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Taking deposits")
    HARVESTED = "harvested", _("Harvested")
    CLOSED = "closed", _("Closed")


class PresaleCampaign(models.Model):
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.CASCADE, related_name="presale_campaigns")
    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="+")
    deposit_percent = models.DecimalField(max_digits=5, decimal_places=2)
    expected_quantity = models.PositiveIntegerField(help_text="Units the farmer expects to harvest; sales stop there.")
    harvest_expected_on = models.DateField()
    status = models.CharField(max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.OPEN)
    harvested_quantity = models.PositiveIntegerField(null=True, blank=True)
    harvested_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pre-sale campaign")
        verbose_name_plural = _("pre-sale campaigns")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "channel"], condition=Q(status="open"), name="one_open_presale_per_variant"
            ),
            models.CheckConstraint(
                condition=Q(deposit_percent__gt=0) & Q(deposit_percent__lte=100), name="presale_deposit_percent_range"
            ),
            models.CheckConstraint(condition=Q(expected_quantity__gt=0), name="presale_expected_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.variant} ({self.get_status_display()})"
