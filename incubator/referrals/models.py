"""Referrals (issue 16): share links (and their QR codes) per distributor shop and per pick, the binding of a
buyer who came by one, and the attribution recorded on each order sold through a distributor (staff only)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralLink(models.Model):
    """A distributor's link: to its shop (``pick`` null) or to one of its picks. ``code`` is in the URL."""

    code = models.CharField(max_length=16, unique=True)
    distributor_shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="referral_links")
    pick = models.ForeignKey(
        "incubator_distribution.DistributionPick",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referral_links",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clicks = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("referral link")
        verbose_name_plural = _("referral links")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["distributor_shop", "pick"], name="referral_link_once_per_target"),
            models.UniqueConstraint(
                fields=["distributor_shop"],
                condition=models.Q(pick__isnull=True),
                name="referral_link_once_per_shop",
            ),
        ]


class BuyerBinding(models.Model):
    """The distributor a buyer is bound to: the last link clicked within REFERRAL_BINDING_DAYS wins, except
    that during the binding's protection period (REFERRAL_PROTECTION_DAYS) another distributor's link
    cannot take the buyer away (anti-poaching). One row per buyer, replaced in place; history in clicks."""

    buyer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_binding")
    distributor_shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    link = models.ForeignKey(ReferralLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    bound_at = models.DateTimeField()
    protected_until = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("buyer binding")
        verbose_name_plural = _("buyer bindings")


class ReferralClick(models.Model):
    """Each arrival by a link and what it did to the buyer's binding (bound, kept, protected)."""

    link = models.ForeignKey(ReferralLink, on_delete=models.CASCADE, related_name="click_rows")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class OrderAttribution(models.Model):
    """Who an order sold through a distributor credits, and why (shown to incubator staff only)."""

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="attribution")
    reseller_shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    credited_shop = models.ForeignKey("shops.Shop", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    bound_shop = models.ForeignKey("shops.Shop", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    link = models.ForeignKey(ReferralLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rule = models.CharField(max_length=24)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("order attribution")
        verbose_name_plural = _("order attributions")
        ordering = ["-id"]


class DistributorInviter(models.Model):
    """Who invited a distributor (the second commission level's only relation, issue 16 and
    reference/incubator-logistics-notes.md §2.1): recorded when a distributor shop is opened through
    another distributor's invitation link, once, never changed (the invitee is unique; no service
    updates it). Recording it moves no money: no joining fee, no reward per recruit. Whether the
    inviter earns anything on the invitee's own sales is the commission rules' decision (a second
    level, off by default), and it never reaches further up than this one row."""

    invitee_shop = models.OneToOneField("shops.Shop", on_delete=models.PROTECT, related_name="inviter_record")
    inviter_shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    link = models.ForeignKey(ReferralLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("distributor inviter")
        verbose_name_plural = _("distributor inviters")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(invitee_shop=models.F("inviter_shop")), name="distributor_inviter_not_self"
            )
        ]
