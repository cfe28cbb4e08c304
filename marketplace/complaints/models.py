"""Complaints, handled the way the county's 12345/444 hotline handles a call: register, route to
the responsible party with a deadline, handle, feed back. Every step is a ComplaintEvent row;
the allowed steps are in marketplace.complaints.state.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.media.stored_image import StoredImage


class ComplaintCategory(models.TextChoices):
    QUALITY = "quality", _("Quality problem")
    MISSING_ITEM = "missing_item", _("Missing item")
    LATE_DELIVERY = "late_delivery", _("Late delivery")
    WRONG_WEIGHT = "wrong_weight", _("Short weight")
    SERVICE = "service", _("Service attitude")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    AWAITING_SHOP = "awaiting_shop", _("Waiting for the shop")
    RESPONDED = "responded", _("Shop responded")
    ESCALATED = "escalated", _("Escalated to the platform")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed (rated)")


# A complaint in one of these is still being handled: at most one per order.
OPEN_STATUSES = (ComplaintStatus.AWAITING_SHOP, ComplaintStatus.RESPONDED, ComplaintStatus.ESCALATED)


class ComplaintResolution(models.TextChoices):
    REFUND = "refund", _("Refund")
    REPLACEMENT = "replacement", _("Replacement")
    REJECTED = "rejected", _("Rejected")


class Complaint(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="complaints")
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="complaints")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints")
    category = models.CharField(max_length=16, choices=ComplaintCategory.choices)
    description = models.TextField()
    status = models.CharField(max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.AWAITING_SHOP)
    due_at = models.DateTimeField(null=True, blank=True, help_text="The shop must respond (then resolve) by this time.")
    response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=16, choices=ComplaintResolution.choices, blank=True)
    resolution_note = models.TextField(blank=True)
    refund_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by_operator = models.BooleanField(default=False)
    handling_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.CharField(max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-id"]
        permissions = [("manage_complaints", "Handle escalated complaints of every shop")]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="complaint_one_open_per_order",
            ),
            models.CheckConstraint(
                condition=Q(handling_rating__isnull=True) | Q(handling_rating__gte=1, handling_rating__lte=5),
                name="complaint_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(resolution="refund", refund_amount__gt=0)
                | (~Q(resolution="refund") & Q(refund_amount__isnull=True)),
                name="complaint_refund_amount_iff_refund",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="complaint_due"),
            models.Index(fields=["shop", "-id"], name="complaint_shop_newest"),
            models.Index(fields=["buyer", "-id"], name="complaint_buyer_newest"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_category_display()}"


class ComplaintPhoto(StoredImage):
    """A photo the buyer attached (the bruised pears, the broken seal), stored as WebP renditions
    without metadata by marketplace.media.processing.process_image."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")

    class Meta:
        ordering = ["id"]


class ComplaintEventType(models.TextChoices):
    CREATED = "created", _("Registered")
    ROUTED = "routed", _("Sent to the shop")
    RESPONDED = "responded", _("Shop responded")
    ESCALATED = "escalated", _("Escalated to the platform")
    RESOLVED = "resolved", _("Resolved")
    RATED = "rated", _("Handling rated")


class ComplaintActor(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SHOP = "shop", _("Shop")
    OPERATOR = "operator", _("Platform")
    SYSTEM = "system", _("System")


class ComplaintEvent(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=16, choices=ComplaintEventType.choices)
    actor_kind = models.CharField(max_length=16, choices=ComplaintActor.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["id"]
