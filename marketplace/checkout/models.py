"""The cart being checked out: lines from many shops, a delivery choice per shop, reservations.

A completed checkout is deleted; its orders keep ``checkout_token`` so a repeated
checkoutComplete finds them (Saleor does the same).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Checkout(models.Model):
    token = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.ForeignKey("channels.Channel", on_delete=models.PROTECT, related_name="checkouts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="checkouts"
    )
    email = models.EmailField(blank=True)
    shipping_address = models.ForeignKey(
        "accounts.Address", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    billing_address = models.ForeignKey(
        "accounts.Address", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)
    # The address an anonymous checkout was opened from: its reservations count against that
    # client's CHECKOUT_ANONYMOUS_RESERVED_UNITS (none for a signed-in buyer's checkout).
    client_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["client_address"], condition=Q(user__isnull=True), name="checkout_anonymous_client")
        ]

    def __str__(self):
        return str(self.token)


class CheckoutLine(models.Model):
    checkout = models.ForeignKey(Checkout, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    # Resale (issue 16): a line bought through a distributor's shop carries that shop and its retail
    # price, which the checkout's totals use instead of the channel price. Set by the checkout services
    # from the answer of the checkout hook ``resale_terms``; null for a direct sale.
    reseller_shop = models.ForeignKey("shops.Shop", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    retail_unit_price_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["checkout", "variant"], name="checkout_line_once_per_variant"),
            models.CheckConstraint(
                condition=Q(reseller_shop__isnull=True, retail_unit_price_amount__isnull=True)
                | Q(reseller_shop__isnull=False, retail_unit_price_amount__gt=0),
                name="checkout_line_resale_priced",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="checkout_line_quantity_positive"),
        ]


class CheckoutDelivery(models.Model):
    """How one shop's part of the checkout travels: a shipping method or a collection point."""

    checkout = models.ForeignKey(Checkout, on_delete=models.CASCADE, related_name="deliveries")
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    shipping_method = models.ForeignKey(
        "shipping.ShippingMethod", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    collection_point = models.ForeignKey(
        "inventory.Warehouse", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["checkout", "shop"], name="one_delivery_per_shop"),
            models.CheckConstraint(
                condition=Q(shipping_method__isnull=True) | Q(collection_point__isnull=True),
                name="delivery_method_or_collection_point",
            ),
        ]


class Reservation(models.Model):
    """Units held for a checkout line while the buyer shops; ignored once expired."""

    checkout_line = models.ForeignKey(CheckoutLine, on_delete=models.CASCADE, related_name="reservations")
    stock = models.ForeignKey("inventory.Stock", on_delete=models.CASCADE, related_name="reservations")
    quantity = models.PositiveIntegerField()
    reserved_until = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["checkout_line", "stock"], name="reservation_once_per_stock")]
