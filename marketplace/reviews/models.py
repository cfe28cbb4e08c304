"""Reviews: one per delivered order line, written by the order's buyer.

Shop.rating and Product.rating are averages of the visible reviews, kept up to date by
marketplace.reviews.services in the transaction that changes a review.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Review(models.Model):
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="reviews")
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="reviews")
    # Kept when the product is deleted: the review still counts for the shop.
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    product_name = models.CharField(max_length=200)
    variant_name = models.CharField(max_length=200, blank=True)
    rating = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=255, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-id"]
        permissions = [("manage_reviews", "Hide abusive reviews")]
        constraints = [
            models.UniqueConstraint(fields=["order_line"], name="review_once_per_order_line"),
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5), name="review_rating_1_to_5"),
            models.CheckConstraint(
                condition=Q(is_hidden=False) | ~Q(hidden_reason=""), name="review_hidden_with_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["product", "-id"], condition=Q(is_hidden=False), name="review_product_visible"),
            models.Index(fields=["shop", "-id"], condition=Q(is_hidden=False), name="review_shop_visible"),
        ]

    def __str__(self):
        return f"{self.product_name} {self.rating}★"
