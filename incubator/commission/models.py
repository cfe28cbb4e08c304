"""Distributor commission: the lawful configuration, and a commission line per distributed order line.

* CommissionSettings: the rules in force are the newest row; a change is a new row (history kept,
  each change audited). Database constraints repeat the lawful invariants the service refuses with
  codes (《禁止传销条例》 art. 7): at most two levels, a second level only with a recorded reason, no
  joining fee, no reward per recruit, commission only on delivered, unrefunded sales.
* CommissionLine: one per incubator.distribution DistributedLine that credits a distributor (level 1),
  plus, only while the rules enable a second level, one for that distributor's inviter (level 2); the
  amount frozen at order time, and what the ledger holds for it now (pending, earned, paid out:
  sums of its postings, kept here for pages; the ledger is the truth). Status moves by
  incubator.commission.state, each move a CommissionEvent with who and when.
* CommissionPayoutHold: a distributor whose payout was refused in a weekly batch (and why).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

AMOUNT = {"max_digits": 14, "decimal_places": 2}
MAX_LEVELS = 2


class CommissionBase(models.TextChoices):
    DELIVERED_UNREFUNDED = "delivered_unrefunded", _("The distributor's own delivered, unrefunded sales")


class CommissionSettings(models.Model):
    levels = models.PositiveSmallIntegerField(default=1, help_text="Paid levels: 1, or 2 with a recorded reason.")
    second_level_rate_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    second_level_reason = models.TextField(blank=True, help_text="Why a second level was enabled (legal review).")
    self_purchase_commission = models.BooleanField(
        default=False, help_text="Commission on a distributor's own purchases (off: self-purchase earns nothing)."
    )
    base = models.CharField(max_length=32, choices=CommissionBase.choices, default=CommissionBase.DELIVERED_UNREFUNDED)
    joining_fee = models.DecimalField(**AMOUNT, default=0, help_text="Always zero: no entry fee may be charged.")
    recruit_reward = models.DecimalField(**AMOUNT, default=0, help_text="Always zero: nothing is paid per recruit.")
    note = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commission settings")
        verbose_name_plural = _("commission settings")
        ordering = ["-id"]
        permissions = [("manage_commission", "Change the distributor commission rules")]
        constraints = [
            models.CheckConstraint(
                condition=Q(levels__gte=1) & Q(levels__lte=MAX_LEVELS), name="commission_levels_1_2"
            ),
            models.CheckConstraint(
                condition=Q(levels=1) | ~Q(second_level_reason=""), name="commission_second_level_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(levels=2) | Q(second_level_rate_percent=0), name="commission_second_rate_only_with_level"
            ),
            models.CheckConstraint(
                condition=Q(second_level_rate_percent__gte=0) & Q(second_level_rate_percent__lte=100),
                name="commission_second_rate_0_100",
            ),
            models.CheckConstraint(condition=Q(joining_fee=0), name="commission_no_joining_fee"),
            models.CheckConstraint(condition=Q(recruit_reward=0), name="commission_no_recruit_reward"),
            models.CheckConstraint(condition=Q(base="delivered_unrefunded"), name="commission_base_delivered"),
        ]

    def __str__(self):
        return f"commission settings #{self.pk}: {self.levels} level(s)"


class CommissionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    EARNED = "earned", _("Earned")
    PAID = "paid", pgettext_lazy("commission status", "Paid")
    CLAWED_BACK = "clawed_back", _("Clawed back")
    EXCLUDED = "excluded", _("Not credited")


class CommissionLine(models.Model):
    distributed_line = models.ForeignKey(
        "incubator_distribution.DistributedLine", on_delete=models.PROTECT, related_name="commission_lines"
    )
    # 1: the distributor's own sale. 2: its inviter's second-level share (only when the rules enable a
    # second level; never a third: the database refuses any other level, and one of each per line).
    level = models.PositiveSmallIntegerField(default=1)
    distributor = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    product_name = models.CharField(max_length=255, blank=True)
    currency = models.CharField(max_length=3, default="CNY")
    amount = models.DecimalField(**AMOUNT, help_text="Commission frozen at order time.")
    status = models.CharField(max_length=16, choices=CommissionStatus.choices, default=CommissionStatus.PENDING)
    excluded_reason = models.CharField(max_length=32, blank=True)
    # What the ledger holds for this line (sums of its postings):
    pending_amount = models.DecimalField(**AMOUNT, default=0)
    earned_amount = models.DecimalField(**AMOUNT, default=0, help_text="Credited to earned, net of claw-backs.")
    paid_amount = models.DecimalField(**AMOUNT, default=0, help_text="Moved to paid out by weekly payouts.")
    clawed_back_amount = models.DecimalField(**AMOUNT, default=0)
    earned_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commission line")
        verbose_name_plural = _("commission lines")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["distributor", "status"], name="commission_line_dist_status"),
            models.Index(fields=["distributor", "created_at"], name="commission_line_dist_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="commission_line_amount_not_negative"),
            models.CheckConstraint(condition=Q(pending_amount__gte=0), name="commission_line_pending_not_negative"),
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=MAX_LEVELS), name="commission_line_level"),
            models.UniqueConstraint(fields=["distributed_line", "level"], name="commission_line_once_per_level"),
        ]

    def __str__(self):
        return f"commission {self.amount} on order {self.order_id} ({self.status})"


class CommissionEventKind(models.TextChoices):
    PENDING = "pending", _("Pending (order paid)")
    EARNED = "earned", _("Earned (after-sales window closed)")
    CLAWED_BACK = "clawed_back", _("Clawed back (refund or return)")
    RESTORED = "restored", _("Restored (money received again)")
    PAID = "paid", _("Paid in the weekly payout")
    PAYOUT_RETURNED = "payout_returned", _("Payout returned by the bank")
    EXCLUDED = "excluded", _("Not credited")


class CommissionEvent(models.Model):
    line = models.ForeignKey(CommissionLine, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=CommissionEventKind.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    amount = models.DecimalField(**AMOUNT, default=0)
    ledger_transaction = models.ForeignKey(
        "ledger.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class CommissionPayoutHold(models.Model):
    """A distributor with earned commission that a weekly batch did not pay, and the code why."""

    batch = models.ForeignKey("settlement.PayoutBatch", on_delete=models.PROTECT, related_name="+")
    distributor = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3, default="CNY")
    amount = models.DecimalField(**AMOUNT)
    code = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "distributor", "currency"], name="commission_hold_once_per_batch")
        ]
