"""Double-entry ledger tables: accounts, transactions and their postings.

Postings are append-only and every transaction's postings sum to zero per
currency; both are enforced by PostgreSQL triggers (migration 0002) as well as
by meidu.core.ledger.services. Balances are never stored: they are sums of postings.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerAccount(models.Model):
    code = models.CharField(max_length=160, unique=True, help_text="Stable name, e.g. 'shop:42:earnings'.")
    name = models.CharField(max_length=255)
    currency = models.CharField(max_length=3, default="CNY")
    allow_negative = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        permissions = [("view_ledger", "View ledger accounts and postings")]

    def __str__(self):
        return f"{self.code} ({self.currency})"


class LedgerTransaction(models.Model):
    description = models.CharField(max_length=255)
    reference = models.CharField(max_length=160, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"#{self.pk} {self.description}"

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")


class LedgerPosting(models.Model):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    amount = models.DecimalField(max_digits=20, decimal_places=3)
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger posting")
        verbose_name_plural = _("ledger postings")
        indexes = [models.Index(fields=["account", "id"])]
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_posting_nonzero")]
