"""Shops (the seller layer): who sells, their members, their application's history, notices."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ShopKind(models.TextChoices):
    MICROSHOP = "microshop", _("Microshop")
    STORE = "store", _("Store")
    COOPERATIVE = "cooperative", _("Cooperative")
    SUPPLIER = "supplier", _("Supplier")
    DISTRIBUTOR = "distributor", _("Distributor")


class ShopTrack(models.TextChoices):
    FARMER_LIGHT = "farmer_light", _("Farmer (light track, no business licence)")
    BUSINESS = "business", _("Business (with licence)")


class ShopStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    IN_REVIEW = "in_review", _("In review")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class Shop(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    kind = models.CharField(max_length=16, choices=ShopKind.choices)
    track = models.CharField(max_length=16, choices=ShopTrack.choices)
    status = models.CharField(max_length=16, choices=ShopStatus.choices, default=ShopStatus.APPLIED)
    description = models.TextField(blank=True)
    village = models.ForeignKey(
        "geography.Village", null=True, blank=True, on_delete=models.SET_NULL, related_name="shops"
    )
    # Identity: the ID number is kept only as a keyed hash (to detect duplicates) and its last four.
    real_name = models.CharField(max_length=64)
    id_number_hash = models.CharField(max_length=64)
    id_number_last4 = models.CharField(max_length=4)
    business_licence_number = models.CharField(max_length=32, blank=True)
    payout_account_name = models.CharField(max_length=64)
    payout_account_number = models.CharField(max_length=34)
    payout_bank = models.CharField(max_length=64, blank=True)
    terms_accepted_at = models.DateTimeField(null=True, blank=True)
    offers_delivery = models.BooleanField(default=False, help_text="Delivers itself or through county delivery.")
    holiday_mode = models.BooleanField(default=False)
    rejection_reason = models.TextField(blank=True)
    rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["id"]
        permissions = [("manage_shops", "Review, suspend and close shops")]

    def __str__(self):
        return self.name

    @property
    def payout_account_last4(self) -> str:
        return self.payout_account_number[-4:]


class ShopMemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    ASSISTANT = "assistant", _("Assistant")


class ShopMember(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop_memberships")
    role = models.CharField(max_length=16, choices=ShopMemberRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shop member")
        verbose_name_plural = _("shop members")
        constraints = [models.UniqueConstraint(fields=["shop", "user"], name="shop_member_unique")]


class ShopEvent(models.Model):
    """One row per state transition or notable act: who, what, when, why."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shop event")
        verbose_name_plural = _("shop events")
        ordering = ["id"]


class ShopNotice(models.Model):
    """Something the shop should act on (low stock, review outcome)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=32)
    message = models.CharField(max_length=255)
    data = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shop notice")
        verbose_name_plural = _("shop notices")
        ordering = ["-id"]
