"""Orders: one per shop of a completed checkout, with snapshots of what was bought.

Numbers come from the database sequence ``order_number_seq``, the column's default, returned by the
insert (no max+1 race); lines keep name, SKU and price as they were; every status change is an OrderEvent.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrderStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Awaiting seller")
    UNFULFILLED = "unfulfilled", _("Confirmed")
    PARTIALLY_FULFILLED = "partially_fulfilled", _("Partly shipped")
    FULFILLED = "fulfilled", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    PARTIALLY_RETURNED = "partially_returned", _("Partly returned")
    RETURNED = "returned", _("Returned")
    CANCELED = "canceled", pgettext_lazy("order status", "Cancelled")


class DeliveryKind(models.TextChoices):
    SHIPPING = "shipping", _("Delivery")
    COLLECTION = "collection", _("Pickup")
    NONE = "none", _("No delivery needed")


class Order(models.Model):
    number = models.BigIntegerField(
        unique=True,
        editable=False,
        db_default=Func(Value("order_number_seq"), function="nextval", output_field=models.BigIntegerField()),
    )
    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    checkout_token = models.UUIDField(db_index=True)
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="orders")
    # Resale (issue 16): the distributor's shop the buyer bought through (orders are split per
    # (seller shop, reseller shop)); the buyer sees its name, the packing slip names it. ``shop``
    # stays the supplier, who fulfils from its own stock (drop-ship).
    reseller_shop = models.ForeignKey(
        "shops.Shop", null=True, blank=True, on_delete=models.PROTECT, related_name="resold_orders"
    )
    channel = models.ForeignKey("channels.Channel", on_delete=models.PROTECT, related_name="orders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    user_email = models.EmailField(blank=True)
    status = models.CharField(max_length=24, choices=OrderStatus.choices, default=OrderStatus.UNCONFIRMED)
    currency = models.CharField(max_length=3)
    subtotal_amount = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total_amount = models.DecimalField(max_digits=12, decimal_places=2)
    # The share of the checkout's payment that covers this order (maintained by payment_hooks).
    authorized_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    charged_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    refunded_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    payment_gateway = models.CharField(max_length=64, blank=True)
    shipping_address = models.ForeignKey(
        "accounts.Address", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    billing_address = models.ForeignKey(
        "accounts.Address", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivery_kind = models.CharField(max_length=16, choices=DeliveryKind.choices)
    shipping_method = models.ForeignKey(
        "shipping.ShippingMethod", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shipping_method_name = models.CharField(max_length=120, blank=True)
    collection_point = models.ForeignKey(
        "inventory.Warehouse", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    collection_point_name = models.CharField(max_length=120, blank=True)
    pickup_code = models.CharField(
        max_length=8, blank=True, help_text="核销码 shown to the buyer, checked at the counter."
    )
    pickup_code_failures = models.PositiveSmallIntegerField(default=0)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    picked_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer_note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    auto_confirm_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Receipt is confirmed automatically at this time."
    )
    after_sales_until = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-number"]
        permissions = [("manage_orders", "Manage every shop's orders")]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_amount=F("subtotal_amount") + F("shipping_amount")), name="order_total_adds_up"
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("charged_amount")), name="order_refund_within_charged"
            ),
            models.CheckConstraint(
                condition=Q(subtotal_amount__gte=0) & Q(shipping_amount__gte=0), name="order_amounts_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["shop", "-number"], name="order_shop_number")]

    def __str__(self):
        return f"#{self.number}"

    @property
    def is_paid(self) -> bool:
        return self.charged_amount >= self.total_amount

    @property
    def outstanding_amount(self):
        return self.total_amount - self.charged_amount + self.refunded_amount


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.ProductVariant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product_name = models.CharField(max_length=200)
    variant_name = models.CharField(max_length=200, blank=True)
    product_sku = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField()
    quantity_fulfilled = models.PositiveIntegerField(default=0)
    quantity_returned = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3)
    unit_price_amount = models.DecimalField(max_digits=12, decimal_places=2)
    # Resale (issue 16): the supplier's price per unit when a reseller sold the line at
    # ``unit_price_amount``; settlement takes it as the seller's gross unit price. Null for a direct sale.
    supply_unit_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    total_price_amount = models.DecimalField(max_digits=12, decimal_places=2)
    sold_by_weight = models.BooleanField(default=False)
    weight_unit = models.CharField(max_length=4, blank=True)
    actual_weight = models.DecimalField(
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Weighed at fulfilment, in weight_unit; charged instead of the estimate.",
    )
    thumbnail_name = models.CharField(max_length=255, blank=True)
    presale_campaign = models.ForeignKey(
        "presale.PresaleCampaign",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="order_lines",
        help_text="Bought before harvest with a deposit.",
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(quantity_fulfilled__lte=F("quantity")), name="order_line_fulfilled_within"
            ),
            models.CheckConstraint(
                condition=Q(quantity_returned__lte=F("quantity_fulfilled")), name="order_line_returned_within"
            ),
        ]


class Allocation(models.Model):
    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="allocations")
    stock = models.ForeignKey("inventory.Stock", on_delete=models.PROTECT, related_name="allocations")
    quantity_allocated = models.PositiveIntegerField()

    class Meta:
        ordering = ["stock_id"]
        constraints = [models.UniqueConstraint(fields=["order_line", "stock"], name="allocation_once_per_stock")]


class FulfillmentStatus(models.TextChoices):
    FULFILLED = "fulfilled", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    RETURNED = "returned", _("Returned")


class Fulfillment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="fulfillments")
    fulfillment_order = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=FulfillmentStatus.choices, default=FulfillmentStatus.FULFILLED)
    tracking_number = models.CharField(max_length=64, blank=True)
    local_delivery = models.BooleanField(default=False, help_text="Carried by the county's own delivery run.")
    shipment = models.OneToOneField(
        "shipments.Shipment", null=True, blank=True, on_delete=models.PROTECT, related_name="fulfillment"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "fulfillment_order"], name="fulfillment_number_in_order")
        ]


class FulfillmentLine(models.Model):
    fulfillment = models.ForeignKey(Fulfillment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="fulfillment_lines")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]


class OrderEventType(models.TextChoices):
    CREATED = "created", _("Order placed")
    CONFIRMED = "confirmed", _("Confirmed by the seller")
    PAID = "paid", _("Paid")
    FULFILLED = "fulfilled", _("Shipped")
    READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
    PICKED_UP = "picked_up", _("Collected")
    PICKUP_CODE_REFUSED = "pickup_code_refused", _("Wrong pickup code")
    DELIVERED = "delivered", _("Delivered")
    WEIGHED = "weighed", _("Weighed")
    CANCELED = "canceled", pgettext_lazy("order status", "Cancelled")
    RETURNED = "returned", _("Returned")
    REFUNDED = "refunded", _("Refunded")
    NOTE = "note", _("Note")


class OrderEvent(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=24, choices=OrderEventType.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["id"]


class AssistConfirmation(models.TextChoices):
    """How the villager agreed to an order a station agent placed for them."""

    PHONE_CODE = "phone_code", _("Code read out from the villager's phone")
    COUNTER_SIGNATURE = "counter_signature", _("Signed at the station counter")


class OrderAssistance(models.Model):
    """An order a station agent placed for a villager (网络代购): the order is the villager's
    (Order.user), this row records the assistant, the station, how the villager confirmed, and the
    service fee terms frozen at placement (the fee itself is settlement's: services/assist_fee)."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="assistance")
    assistant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    confirmation = models.CharField(max_length=24, choices=AssistConfirmation.choices)
    # Counter signature: the name the villager signed, and when the agent attested it.
    signed_name = models.CharField(max_length=60, blank=True)
    attested_at = models.DateTimeField(null=True, blank=True)
    fee_percent = models.DecimalField(max_digits=5, decimal_places=2)
    fee_minimum = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assisted order")
        verbose_name_plural = _("assisted orders")
        ordering = ["-id"]
        indexes = [models.Index(fields=["assistant", "-created_at"], name="order_assist_by_agent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmation="phone_code") | (~Q(signed_name="") & Q(attested_at__isnull=False)),
                name="order_assist_signature_complete",
            ),
            models.CheckConstraint(
                condition=Q(fee_percent__gte=0) & Q(fee_percent__lte=100) & Q(fee_minimum__gte=0),
                name="order_assist_fee_terms_valid",
            ),
        ]
