"""The supply pool (issue 16): a supplier's or cooperative's offer of one variant for distributors to
resell, with its prices, the commission it pays and where it ships; its state changes only by named
actions (incubator/supply/state.py), each an event row."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class OfferState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class CommissionKind(models.TextChoices):
    RATE = "rate", _("Share of the retail price")
    FIXED = "fixed", _("Fixed amount per unit")


class SupplyOffer(models.Model):
    supplier_shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="supply_offers")
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.PROTECT, related_name="supply_offers")
    currency = models.CharField(max_length=3, default="CNY")
    supply_price = models.DecimalField(max_digits=12, decimal_places=2, help_text="Paid to the supplier per unit.")
    suggested_retail_price = models.DecimalField(max_digits=12, decimal_places=2)
    min_retail_price = models.DecimalField(max_digits=12, decimal_places=2)
    max_retail_price = models.DecimalField(max_digits=12, decimal_places=2)
    commission_kind = models.CharField(max_length=8, choices=CommissionKind.choices)
    # A rate is a fraction of the retail price (0.1000 = 10%); a fixed commission is an amount per unit.
    commission_value = models.DecimalField(max_digits=12, decimal_places=4)
    # Regions shipped to: names of provinces (or "全国" for everywhere), as the supplier chose them.
    regions = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=8, choices=OfferState.choices, default=OfferState.DRAFT)
    # Staff review (the incubator console's "offers awaiting review"): an offer opened and not yet reviewed.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supply offer")
        verbose_name_plural = _("supply offers")
        ordering = ["-id"]
        permissions = [("manage_supply_pool", "Review the incubator's supply pool")]
        constraints = [
            models.CheckConstraint(
                condition=Q(supply_price__gt=0)
                & Q(min_retail_price__gt=F("supply_price"))
                & Q(suggested_retail_price__gte=F("min_retail_price"))
                & Q(max_retail_price__gte=F("suggested_retail_price")),
                name="supply_offer_price_order",
            ),
            models.CheckConstraint(condition=Q(commission_value__gte=0), name="supply_offer_commission_not_negative"),
            models.UniqueConstraint(
                fields=["variant"], condition=~Q(state="closed"), name="supply_offer_one_live_per_variant"
            ),
        ]
        indexes = [models.Index(fields=["state", "-id"], name="supply_offer_state")]

    def __str__(self):
        return f"{self.variant_id} @ {self.supply_price}"


class SupplyOfferEvent(models.Model):
    """One row per change of an offer: created, updated (prices), opened, paused, closed, reviewed."""

    offer = models.ForeignKey(SupplyOffer, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16)
    from_state = models.CharField(max_length=8, blank=True)
    to_state = models.CharField(max_length=8, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supply offer event")
        verbose_name_plural = _("supply offer events")
        ordering = ["id"]
