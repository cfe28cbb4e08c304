"""Distribution (issue 16): a distributor shop's picks of supply offers, each with its own retail price, and
the DistributedLine frozen for every order line sold through a distributor (what commission reads)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PickState(models.TextChoices):
    LIVE = "live", _("On sale")
    PAUSED = "paused", _("Paused")
    REMOVED = "removed", _("Removed")


class PickReason(models.TextChoices):
    NONE = "", _("None")
    PRICE_OUT_OF_BOUNDS = "price_out_of_bounds", _("The supplier's new prices exclude your retail price")
    UNPICKED = "unpicked", _("Taken off by the distributor")


class DistributionPick(models.Model):
    """One offer in one distributor's shop. Shown to buyers only while live AND its offer is open: a
    supplier pausing the offer hides every pick of it at once, without touching the picks."""

    distributor_shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="distribution_picks")
    offer = models.ForeignKey("incubator_supply.SupplyOffer", on_delete=models.PROTECT, related_name="picks")
    retail_price = models.DecimalField(max_digits=12, decimal_places=2)
    state = models.CharField(max_length=8, choices=PickState.choices, default=PickState.LIVE)
    reason = models.CharField(max_length=24, choices=PickReason.choices, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("distribution pick")
        verbose_name_plural = _("distribution picks")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["distributor_shop", "offer"], name="pick_once_per_shop_offer"),
            models.CheckConstraint(condition=Q(retail_price__gt=0), name="pick_retail_positive"),
        ]
        indexes = [models.Index(fields=["offer", "state"], name="pick_offer_state")]


class DistributionPickEvent(models.Model):
    """One row per change of a pick: picked, priced, paused (by the supplier's price change), unpicked."""

    pick = models.ForeignKey(DistributionPick, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16)
    from_state = models.CharField(max_length=8, blank=True)
    to_state = models.CharField(max_length=8, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class AttributionRule(models.TextChoices):
    LINK = "link", _("Came by the distributor's link")
    STOREFRONT = "storefront", _("Bought in the distributor's shop")
    PROTECTED_BINDING = "protected_binding", _("Bound to another distributor in its protection period")
    SUSPENDED = "suspended", _("The distributor is not active: nobody credited")


class DistributedLine(models.Model):
    """An order line sold through a distributor, frozen at order placement (the contract of issue 16):
    retail R and supply S per unit, the quantity and the commission C = half-up(rate * R * q) or fixed * q.
    ``attributed_shop`` is who is credited (null: nobody, e.g. a suspended distributor), with the rule used.
    Written once by distributed_lines_create; incubator.commission reads it."""

    order_line = models.OneToOneField("orders.OrderLine", on_delete=models.PROTECT, related_name="distributed")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="distributed_lines")
    offer = models.ForeignKey("incubator_supply.SupplyOffer", on_delete=models.PROTECT, related_name="+")
    pick = models.ForeignKey(DistributionPick, on_delete=models.PROTECT, related_name="lines")
    distributor_shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    supplier_shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3, default="CNY")
    retail_unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    supply_unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    commission_kind = models.CharField(max_length=8)
    commission_value = models.DecimalField(max_digits=12, decimal_places=4)
    commission_amount = models.DecimalField(max_digits=12, decimal_places=2)
    attributed_shop = models.ForeignKey(
        "shops.Shop", null=True, blank=True, on_delete=models.PROTECT, related_name="attributed_lines"
    )
    attribution_rule = models.CharField(max_length=24, choices=AttributionRule.choices)
    # The buyer is a member of the credited shop (a distributor buying from itself): commission pays it
    # only when the operator switched self-purchase commission on.
    self_purchase = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("distributed line")
        verbose_name_plural = _("distributed lines")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="distributed_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(commission_amount__gte=0), name="distributed_line_commission_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["distributor_shop", "-created_at"], name="distributed_line_shop_time")]
