"""Settlement tables. Money itself lives in the ledger (meidu.core.ledger); these rows say why.

* CommissionRule: a rate by category and/or shop kind from a date on; rules are never edited,
  a change is a new rule with a later ``effective_from`` (history keeps its rates).
* OrderSettlement: one per order that received money; locked while its postings are reconciled.
* CommissionLine: the rate frozen for each order line the first time the order is settled.
* SettlementEntry: one per ledger transaction posted for an order, with the rate it used.
  CASH_KEPT entries book cash on delivery that the shop collected itself and keeps (its
  earnings are then already in its hands: the order leaves only the commission as a debt).
* PayoutBatch / Payout / PayoutLine: the weekly transfer to each shop, line per order; a shop may
  get a second payout in the same batch for its distribution commission (purpose COMMISSION).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.shops.models import ShopKind

RATE = {"max_digits": 5, "decimal_places": 2}
AMOUNT = {"max_digits": 14, "decimal_places": 2}


class CommissionRule(models.Model):
    category = models.ForeignKey(
        "catalog.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: every category. Sub-categories inherit the rule."),
    )
    shop_kind = models.CharField(
        max_length=16, choices=ShopKind.choices, blank=True, help_text=_("Empty: every kind of shop.")
    )
    rate_percent = models.DecimalField(**RATE)
    effective_from = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commission rule")
        verbose_name_plural = _("commission rules")
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_percent__gte=0) & Q(rate_percent__lte=100), name="commission_rate_0_100"
            ),
            models.UniqueConstraint(
                fields=["category", "shop_kind", "effective_from"],
                nulls_distinct=False,
                name="commission_rule_once_per_scope_and_date",
            ),
        ]

    def __str__(self):
        scope = " / ".join(
            filter(None, [str(self.category or ""), self.get_shop_kind_display() if self.shop_kind else ""])
        )
        return f"{scope or _('Default')}: {self.rate_percent}% ({self.effective_from:%Y-%m-%d})"


class OrderSettlement(models.Model):
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="settlement")
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    next_sequence = models.PositiveIntegerField(
        default=1, help_text="Numbers the idempotency keys of this order's postings."
    )
    released_at = models.DateTimeField(null=True, blank=True, help_text="Earnings moved from pending to available.")
    synced_at = models.DateTimeField(null=True, blank=True)
    # The order's money as last settled: an order whose money differs was changed without a sync.
    charged_amount = models.DecimalField(**AMOUNT, default=0)
    refunded_amount = models.DecimalField(**AMOUNT, default=0)
    total_amount = models.DecimalField(**AMOUNT, default=0)
    # Cash on delivery collected by the order's own shop (its owner or staff), who keeps it: decided
    # once per collection, when the collection event is first settled (see services.sync).
    shop_cash_amount = models.DecimalField(
        **AMOUNT, default=0, help_text="Cash on delivery collected and kept by the order's own shop."
    )
    cash_events_seen = models.PositiveBigIntegerField(default=0, help_text="Last cash-collection order event examined.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("order settlement")
        verbose_name_plural = _("order settlements")
        indexes = [models.Index(fields=["shop", "currency"])]

    def __str__(self):
        return f"settlement of order {self.order_id}"


class CommissionLine(models.Model):
    settlement = models.ForeignKey(OrderSettlement, on_delete=models.CASCADE, related_name="commission_lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(CommissionRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rate_percent = models.DecimalField(**RATE)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["settlement", "order_line"], name="commission_line_once")]


class EntryKind(models.TextChoices):
    PAYMENT = "payment", _("Buyer payment received")
    REFUND = "refund", _("Refund to buyer")
    EARNINGS = "earnings", _("Seller earnings and commission")
    CLAWBACK = "clawback", _("Earnings clawed back")
    RELEASE = "release", _("Earnings released")
    CASH_KEPT = "cash_kept", _("Cash on delivery kept by the shop")


class SettlementEntry(models.Model):
    settlement = models.ForeignKey(OrderSettlement, on_delete=models.PROTECT, related_name="entries")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    ledger_transaction = models.OneToOneField(
        "ledger.LedgerTransaction", on_delete=models.PROTECT, related_name="settlement_entry"
    )
    amount = models.DecimalField(**AMOUNT, help_text="Money moved (earnings for EARNINGS/CLAWBACK).")
    commission_amount = models.DecimalField(**AMOUNT, default=0)
    commission_rate_percent = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Commission over goods value of the order when posted.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("settlement entry")
        verbose_name_plural = _("settlement entries")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["settlement", "sequence"], name="settlement_entry_sequence")]


class PayoutPurpose(models.TextChoices):
    EARNINGS = "earnings", _("Sales earnings")
    COMMISSION = "commission", _("Distribution commission")
    AGENT_FEES = "agent_fees", _("Station agent's fees")


class PayoutStatus(models.TextChoices):
    CREATED = "created", _("Sent to the bank")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed, money back to available")


class PayoutBatch(models.Model):
    week_end = models.DateField(unique=True, help_text="Last day (Sunday) of the week paid out.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payout batch")
        verbose_name_plural = _("payout batches")
        ordering = ["-week_end"]

    def __str__(self):
        return f"payouts to {self.week_end:%Y-%m-%d}"


class Payout(models.Model):
    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="payouts")
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="payouts")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="AGENT_FEES only: the station agent whose fees this pays (to the account of ``shop``, the shop "
        "that runs the station and employs the agent).",
    )
    currency = models.CharField(max_length=3)
    purpose = models.CharField(
        max_length=16,
        choices=PayoutPurpose.choices,
        default=PayoutPurpose.EARNINGS,
        help_text="What the transfer pays: the shop's sales earnings, or a reseller's commission (paid by the "
        "layer above through payout_add).",
    )
    amount = models.DecimalField(**AMOUNT)
    reference = models.CharField(max_length=40, unique=True)
    payee_name = models.CharField(max_length=64)
    account_number = models.CharField(max_length=34)
    bank = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=PayoutStatus.choices, default=PayoutStatus.CREATED)
    bank_reference = models.CharField(max_length=64, blank=True)
    ledger_transaction = models.OneToOneField("ledger.LedgerTransaction", on_delete=models.PROTECT, related_name="+")
    reversal_transaction = models.OneToOneField(
        "ledger.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "shop", "currency", "purpose"],
                condition=Q(agent__isnull=True),
                name="payout_once_per_batch_shop_purpose",
            ),
            models.UniqueConstraint(
                fields=["batch", "shop", "agent", "currency", "purpose"],
                condition=Q(agent__isnull=False),
                name="payout_once_per_batch_agent",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
        ]
        indexes = [models.Index(fields=["shop", "-id"], name="payout_shop_newest")]

    def __str__(self):
        return self.reference


class PayoutLine(models.Model):
    payout = models.ForeignKey(Payout, on_delete=models.CASCADE, related_name="lines")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(**AMOUNT, help_text="Negative for a claw-back netted in this payout.")

    class Meta:
        ordering = ["id"]


class AssistFee(models.Model):
    """The service fee a station agent earns for an order placed for a villager (网络代购): credited
    when the order is delivered, clawed back if it is cancelled or fully refunded (services.assist_fee).
    ``amount`` is what the ledger holds for it now; each change is one ledger transaction with the
    idempotency key ``settlement:assist_fee:<order pk>:<sequence>``."""

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="assist_fee")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    account_code = models.CharField(max_length=64)
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(**AMOUNT, default=0)
    paid_amount = models.DecimalField(
        **AMOUNT,
        default=0,
        help_text="What the weekly payouts sent for it (services.assist_fee_payouts); more than ``amount`` when "
        "a paid fee was clawed back: the difference is netted in the agent's next payout.",
    )
    earned_at = models.DateTimeField(null=True, blank=True, help_text="When the fee was first earned.")
    next_sequence = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("station agent's fee")
        verbose_name_plural = _("station agents' fees")
        indexes = [models.Index(fields=["agent", "-updated_at"], name="assist_fee_by_agent")]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="assist_fee_not_negative")]
