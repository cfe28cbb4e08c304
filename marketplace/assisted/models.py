"""An assisted order in the making (网络代购): a station agent builds a cart for a villager who has
no smartphone; it becomes orders in the villager's name only once the villager confirms (a code
texted to their phone and read out, or a signature at the counter).

An unconfirmed order lapses at ``expires_at`` (ASSISTED_ORDER_EXPIRY_HOURS after it was started): from
that moment it reads as EXPIRED everywhere (``state_at``: the pages, the API, the services' refusals),
before the periodic job (assisted-orders-expire-due) marks it so and releases its cart.

The cart is an ordinary Checkout without a user until confirmation, so nothing of the villager's
account (saved addresses, other orders) is read while the agent builds it; ``phone`` is the number
the agent typed, and the villager's account is found (or opened) only when the order is placed.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AssistedOrderStatus(models.TextChoices):
    OPEN = "open", _("Being prepared")
    PLACED = "placed", _("Placed")
    EXPIRED = "expired", _("Expired unconfirmed")


class AssistedDelivery(models.TextChoices):
    STATION = "station", _("Pickup at the station")
    VILLAGE = "village", _("Delivery to the village")


class AssistedOrder(models.Model):
    token = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(max_length=16, help_text="The villager's mobile number (E.164).")
    checkout_token = models.UUIDField(db_index=True)
    status = models.CharField(max_length=8, choices=AssistedOrderStatus.choices, default=AssistedOrderStatus.OPEN)
    delivery = models.CharField(max_length=8, choices=AssistedDelivery.choices, blank=True)
    villager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmation = models.CharField(max_length=24, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(help_text="Unconfirmed by then, the order lapses (ASSISTED_ORDER_EXPIRY_HOURS).")
    placed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assisted order")
        verbose_name_plural = _("assisted orders")
        ordering = ["-created_at"]
        permissions = [("assist_orders", "Place orders for villagers at a village station")]
        indexes = [
            models.Index(fields=["agent", "-created_at"], name="assisted_order_by_agent"),
            models.Index(
                fields=["expires_at"], condition=models.Q(status="open"), name="assisted_order_open_by_expiry"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="placed")
                | (models.Q(villager__isnull=False) & models.Q(placed_at__isnull=False)),
                name="assisted_order_placed_has_villager",
            )
        ]

    def state_at(self, now) -> str:
        """The status as of ``now``: an open order past its expiry is EXPIRED, job or no job."""
        if self.status == AssistedOrderStatus.OPEN and now >= self.expires_at:
            return AssistedOrderStatus.EXPIRED
        return self.status
