"""Warehouses owned by shops, stock per variant and warehouse, and the movement journal.

Stock.quantity is the on-hand count and never negative (database check); every change
is a StockMovement row, so the quantity can be recomputed from the journal.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class WarehouseKind(models.TextChoices):
    HOME = "home", _("Home storage")
    STORE = "store", _("Store")
    PARK = "park", _("E-commerce park warehouse")
    STATION = "station", _("Village station")


class Warehouse(models.Model):
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="warehouses")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=WarehouseKind.choices)
    village = models.ForeignKey("geography.Village", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    street_address = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=16, blank=True)
    is_pickup_point = models.BooleanField(default=False, help_text="Buyers may collect orders here.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class Stock(models.Model):
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stocks")
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.CASCADE, related_name="stocks")
    quantity = models.IntegerField(default=0)
    quantity_allocated = models.IntegerField(default=0)
    low_stock_threshold = models.PositiveIntegerField(default=5)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "variant"], name="stock_once_per_warehouse"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_quantity_not_negative"),
            models.CheckConstraint(condition=Q(quantity_allocated__gte=0), name="stock_allocated_not_negative"),
            models.CheckConstraint(
                condition=Q(quantity_allocated__lte=F("quantity")), name="stock_allocated_within_quantity"
            ),
        ]


class MovementKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    ADJUSTED = "adjusted", _("Adjusted")
    ALLOCATED = "allocated", _("Allocated")
    RELEASED = "released", _("Released")
    SHIPPED = "shipped", _("Shipped")


class StockMovement(models.Model):
    """``quantity_delta`` changes on-hand stock, ``allocated_delta`` the allocated part."""

    stock = models.ForeignKey(Stock, on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(max_length=16, choices=MovementKind.choices)
    quantity_delta = models.IntegerField(default=0)
    allocated_delta = models.IntegerField(default=0)
    note = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
