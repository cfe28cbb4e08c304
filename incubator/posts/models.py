"""Supply and demand posts (供求信息), the matches found between them and chat-free contact requests.

A post is open while its status is open and its window has not ended: a post past its window reads
as expired everywhere at once (selectors filter on the date), before the hourly job marks it.
The quantity and price wish are kept as entered and in the item's base unit (斤 or 头) for matching.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class PostSide(models.TextChoices):
    SUPPLY = "supply", _("Supply")
    DEMAND = "demand", _("Demand")


class QuantityUnit(models.TextChoices):
    JIN = "jin", _("jin")
    KG = "kg", _("kg")
    TONNE = "tonne", _("tonnes")
    HEAD = "head", _("head")


class PostStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    EXPIRED = "expired", _("Expired")


class SupplyDemandPost(models.Model):
    side = models.CharField(max_length=8, choices=PostSide.choices)
    item = models.ForeignKey("farm_prices.ProduceItem", on_delete=models.PROTECT, related_name="posts")
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    quantity_unit = models.CharField(max_length=8, choices=QuantityUnit.choices)
    quantity_base = models.DecimalField(max_digits=16, decimal_places=3, help_text="In the item's base unit.")
    price_wish = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="In the item's base unit."
    )
    grade = models.CharField(max_length=8, blank=True, default="")
    town = models.ForeignKey("geography.Town", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("geography.Village", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    latitude = models.FloatField()
    longitude = models.FloatField()
    window_start = models.DateField()
    window_end = models.DateField()
    contact_name = models.CharField(max_length=32)
    contact_phone = models.CharField(max_length=16)
    note = models.CharField(max_length=500, blank=True)
    poster = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="farm_posts")
    # a village information officer posting for a villager who cannot: the villager is named, the agent recorded
    on_behalf_of = models.CharField(max_length=32, blank=True)
    shop = models.ForeignKey("shops.Shop", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    product = models.ForeignKey("catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=8, choices=PostStatus.choices, default=PostStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supply or demand post")
        verbose_name_plural = _("supply and demand posts")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="farm_post_quantity_positive"),
            models.CheckConstraint(condition=Q(window_end__gte=F("window_start")), name="farm_post_window_ordered"),
        ]
        indexes = [
            models.Index(
                fields=["item", "side", "window_end"], condition=Q(status="open"), name="farm_post_open_by_item"
            ),
            models.Index(fields=["poster", "-id"], name="farm_post_poster"),
        ]
        permissions = [("post_for_villagers", "Post supply and demand for villagers")]

    def __str__(self):
        return f"{self.get_side_display()} {self.item_id} {self.quantity}"


class PostMatch(models.Model):
    supply = models.ForeignKey(SupplyDemandPost, on_delete=models.CASCADE, related_name="+")
    demand = models.ForeignKey(SupplyDemandPost, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    distance_km = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("post match")
        verbose_name_plural = _("post matches")
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["supply", "demand"], name="farm_match_once")]


class ContactStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


# The whole contact request state machine: allowed transitions in one place.
CONTACT_TRANSITIONS = {
    ContactStatus.PENDING: {ContactStatus.ACCEPTED, ContactStatus.DECLINED},
    ContactStatus.ACCEPTED: set(),
    ContactStatus.DECLINED: set(),
}


class ContactRequest(models.Model):
    """A signed-in user asks the poster for their phone number (chat-free): shown once accepted."""

    post = models.ForeignKey(SupplyDemandPost, on_delete=models.CASCADE, related_name="contact_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # the requester's own post this request comes from (a match), if any
    from_post = models.ForeignKey(SupplyDemandPost, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=8, choices=ContactStatus.choices, default=ContactStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["post", "requester"], name="farm_contact_once_per_post")]


class ContactRequestEvent(models.Model):
    request = models.ForeignKey(ContactRequest, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=8, choices=ContactStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
