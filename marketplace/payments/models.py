"""Payments shaped like Saleor's Transactions API: a TransactionItem per payment attempt, its events.

One TransactionItem covers a whole checkout (all the shops' orders made from it), so it
points at ``checkout_token`` (no foreign key: the checkout row is deleted on completion,
the orders keep the token). Amounts are never edited by hand: every change is a
TransactionEvent recorded by marketplace.payments.services, which moves the amounts.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

AMOUNT = {"max_digits": 14, "decimal_places": 2, "default": 0}


class TransactionAction(models.TextChoices):
    """Saleor's TransactionFlowStrategyEnum."""

    CHARGE = "CHARGE", _("Charge")
    AUTHORIZATION = "AUTHORIZATION", _("Authorization")


class TransactionEventType(models.TextChoices):
    """Saleor's TransactionEventTypeEnum names."""

    AUTHORIZATION_REQUEST = "AUTHORIZATION_REQUEST", _("Authorization requested")
    AUTHORIZATION_SUCCESS = "AUTHORIZATION_SUCCESS", _("Authorized")
    AUTHORIZATION_FAILURE = "AUTHORIZATION_FAILURE", _("Authorization failed")
    AUTHORIZATION_ACTION_REQUIRED = "AUTHORIZATION_ACTION_REQUIRED", _("Authorization needs buyer action")
    CHARGE_REQUEST = "CHARGE_REQUEST", _("Charge requested")
    CHARGE_SUCCESS = "CHARGE_SUCCESS", _("Charged")
    CHARGE_FAILURE = "CHARGE_FAILURE", _("Charge failed")
    CHARGE_ACTION_REQUIRED = "CHARGE_ACTION_REQUIRED", _("Charge needs buyer action")
    REFUND_REQUEST = "REFUND_REQUEST", _("Refund requested")
    REFUND_SUCCESS = "REFUND_SUCCESS", _("Refunded")
    REFUND_FAILURE = "REFUND_FAILURE", _("Refund failed")
    CANCEL_REQUEST = "CANCEL_REQUEST", _("Cancel requested")
    CANCEL_SUCCESS = "CANCEL_SUCCESS", _("Canceled")
    CANCEL_FAILURE = "CANCEL_FAILURE", _("Cancel failed")
    INFO = "INFO", _("Information")


class TransactionItem(models.Model):
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    checkout_token = models.UUIDField(db_index=True)
    gateway = models.CharField(max_length=64, help_text="Gateway id, e.g. meidu.payments.cod")
    name = models.CharField(max_length=120, blank=True)
    psp_reference = models.CharField(max_length=255, blank=True, db_index=True)
    action = models.CharField(max_length=16, choices=TransactionAction.choices)
    currency = models.CharField(max_length=3)
    authorized_amount = models.DecimalField(**AMOUNT)
    charged_amount = models.DecimalField(**AMOUNT)
    refunded_amount = models.DecimalField(**AMOUNT)
    canceled_amount = models.DecimalField(**AMOUNT)
    authorize_pending_amount = models.DecimalField(**AMOUNT)
    charge_pending_amount = models.DecimalField(**AMOUNT)
    refund_pending_amount = models.DecimalField(**AMOUNT)
    idempotency_key = models.CharField(max_length=255)
    request_hash = models.CharField(
        max_length=64, help_text="Fingerprint of the initialize request, to tell a retry from a reuse."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    app = models.ForeignKey("integrations.App", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payment transaction")
        verbose_name_plural = _("payment transactions")
        ordering = ["pk"]
        permissions = [
            ("handle_payments", "Handle payments: confirm bank transfers, charge, refund and void"),
            ("collect_cash_on_delivery", "Confirm cash collected on delivery"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["checkout_token", "idempotency_key"], name="transaction_idempotency_per_checkout"
            ),
            models.CheckConstraint(
                condition=Q(authorized_amount__gte=0)
                & Q(charged_amount__gte=0)
                & Q(refunded_amount__gte=0)
                & Q(canceled_amount__gte=0)
                & Q(authorize_pending_amount__gte=0)
                & Q(charge_pending_amount__gte=0)
                & Q(refund_pending_amount__gte=0),
                name="transaction_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("charged_amount")), name="transaction_refunded_within_charged"
            ),
        ]

    def __str__(self):
        return f"{self.name or self.gateway} {self.token}"


class TransactionEvent(models.Model):
    item = models.ForeignKey(TransactionItem, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=40, choices=TransactionEventType.choices)
    amount = models.DecimalField(**AMOUNT)
    psp_reference = models.CharField(max_length=255, blank=True)
    message = models.CharField(max_length=512, blank=True)
    external_url = models.URLField(max_length=500, blank=True)
    data = models.JSONField(
        default=dict, blank=True, help_text="What the gateway handed back for the client (e.g. a client secret)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    app = models.ForeignKey("integrations.App", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        ordering = ["pk"]
        constraints = [
            # A reported event (webhook, process, retry) is recorded once: same item, type and PSP reference.
            models.UniqueConstraint(
                fields=["item", "type", "psp_reference"],
                condition=~Q(psp_reference=""),
                name="transaction_event_reported_once",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="transaction_event_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.type} {self.amount}"


class StripeWebhookEvent(models.Model):
    """Stripe event ids already handled: a replayed delivery is acknowledged and ignored."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=80)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe webhook event")
        verbose_name_plural = _("Stripe webhook events")
        ordering = ["-pk"]

    def __str__(self):
        return self.event_id


class PaymentNotification(models.Model):
    """A provider's notification already applied (WeChat Pay's notification id, Alipay's notify_id).

    Stored in the same transaction as its effects, so a failed attempt leaves no trace and the
    provider's retry applies it; a repeat delivery finds the row and changes nothing.
    """

    gateway = models.CharField(max_length=64)
    notification_id = models.CharField(max_length=128)
    event_type = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "notification_id"], name="payment_notification_once"),
        ]

    def __str__(self):
        return f"{self.gateway} {self.notification_id}"


class BillRunStatus(models.TextChoices):
    MATCHED = "MATCHED", _("Matched")
    FLAGGED = "FLAGGED", _("Differences found")
    FAILED = "FAILED", _("Bill not obtained")


class BillRun(models.Model):
    """One reconciliation of a provider's daily bill (any gateway) against our transactions.

    One row per (gateway, bill date): a re-run replaces its differences. FLAGGED runs wait for a
    finance operator to acknowledge them (``acknowledged_at``/``acknowledged_by``).
    """

    gateway = models.CharField(max_length=64)
    bill_date = models.DateField()
    status = models.CharField(max_length=16, choices=BillRunStatus.choices)
    lines = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    differences_count = models.PositiveIntegerField(default=0)
    provider_total = models.DecimalField(**AMOUNT, help_text="Payments less refunds in the provider's bill.")
    our_total = models.DecimalField(**AMOUNT, help_text="Payments less refunds we recorded for the same day.")
    currency = models.CharField(max_length=3, default="CNY")
    message = models.CharField(max_length=512, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("bill reconciliation")
        verbose_name_plural = _("bill reconciliations")
        ordering = ["-bill_date", "gateway"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "bill_date"], name="bill_run_once_per_day"),
        ]

    def __str__(self):
        return f"{self.gateway} {self.bill_date} {self.status}"


class BillDifferenceKind(models.TextChoices):
    MISSING_OURS = "MISSING_OURS", _("In the provider's bill, not in our records")
    MISSING_PROVIDER = "MISSING_PROVIDER", _("In our records, not in the provider's bill")
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH", _("Amounts differ")
    DUPLICATE_LINE = "DUPLICATE_LINE", _("The bill lists it twice")


class BillDifference(models.Model):
    """One line of a bill (or one of our events) that did not match; money is in the run's currency."""

    run = models.ForeignKey(BillRun, on_delete=models.CASCADE, related_name="differences")
    kind = models.CharField(max_length=20, choices=BillDifferenceKind.choices)
    line_kind = models.CharField(max_length=10, help_text="payment or refund")
    psp_reference = models.CharField(max_length=128, blank=True)
    our_reference = models.CharField(max_length=128, blank=True)
    provider_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    our_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    transaction = models.ForeignKey(TransactionItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("bill difference")
        verbose_name_plural = _("bill differences")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.kind} {self.psp_reference or self.our_reference}"
