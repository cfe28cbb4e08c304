"""Settlement (交收) of a trade, delivery versus payment: pending until the buyer pays the balance
(completed) or the deadline passes (defaulted)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SettlementStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("settlement status", "Awaiting payment")
    COMPLETED = "completed", pgettext_lazy("settlement status", "Completed")
    DEFAULTED = "defaulted", pgettext_lazy("settlement status", "Buyer defaulted")


class Settlement(models.Model):
    trade = models.OneToOneField("exchange_trading.Trade", on_delete=models.PROTECT, related_name="settlement")
    buyer = models.ForeignKey("exchange_members.Member", on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey("exchange_members.Member", on_delete=models.PROTECT, related_name="+")
    balance_due = models.DecimalField(max_digits=16, decimal_places=2, help_text="Value less the deposit.")
    due_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=SettlementStatus.choices, default=SettlementStatus.PENDING)
    delivered_receipts = models.JSONField(default=list, help_text="Receipt numbers moved to the buyer.")
    settled_at = models.DateTimeField(null=True, blank=True)
    ledger_transactions = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exchange settlement")
        verbose_name_plural = _("exchange settlements")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["buyer"]),
            models.Index(fields=["seller"]),
        ]
        constraints = [models.CheckConstraint(condition=Q(balance_due__gte=0), name="settlement_balance_nonneg")]
