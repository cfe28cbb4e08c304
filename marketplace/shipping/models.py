"""Delivery zones (run by the platform) and the shipping methods shops offer in them.

The platform runs centralised village delivery (zones are groups of towns of the county)
and has negotiated carrier rates (zones are groups of provinces). A shop enables a method
of a kind; its fee is the zone's: base fee up to the base weight, then a fee per started kg.
A shop that delivers itself (Shop.offers_delivery) has a method of kind SELLER, without a zone.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ShippingKind(models.TextChoices):
    COUNTY_DELIVERY = "county", _("Village delivery")
    CARRIER = "carrier", _("Nationwide carrier")
    SELLER = "seller", _("Delivered by the seller")


# The seller's own delivery has no platform zone: it reaches the county's villages, free of charge,
# as soon as the seller can bring it (a farmer's tricycle, a store's van).
SELLER_DELIVERY_DAYS = (0, 1)


class DeliveryZone(models.Model):
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=ShippingKind.choices)
    towns = models.ManyToManyField("geography.Town", blank=True, related_name="delivery_zones")
    provinces = models.JSONField(default=list, blank=True, help_text="Province names, for carrier zones.")
    currency = models.CharField(max_length=3, default="CNY")
    base_fee_amount = models.DecimalField(max_digits=10, decimal_places=2)
    base_weight_grams = models.PositiveIntegerField(default=1000)
    fee_per_extra_kg_amount = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    days_min = models.PositiveSmallIntegerField(default=1)
    days_max = models.PositiveSmallIntegerField(default=2)

    class Meta:
        verbose_name = _("delivery zone")
        verbose_name_plural = _("delivery zones")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(base_fee_amount__gte=0) & Q(fee_per_extra_kg_amount__gte=0), name="zone_fees_not_negative"
            ),
        ]

    def __str__(self):
        return self.name


class ShippingMethod(models.Model):
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="shipping_methods")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=ShippingKind.choices)
    max_weight_grams = models.PositiveIntegerField(null=True, blank=True)
    free_above_amount = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="Subtotal from which this shop pays the fee."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("shipping method")
        verbose_name_plural = _("shipping methods")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["shop", "kind"], name="one_method_per_kind_per_shop")]

    def __str__(self):
        return self.name
