"""Bank partners and receipt-backed loans: banks and their officers, financing rules, loans with their
collateral (the pledges), the loan's event log, daily valuations, margin calls and forced sales.

Money owed is never a column: principal and interest are ledger accounts (``financing.accounts``);
the amounts here are the terms agreed and the facts recorded at each step.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Bank(models.Model):
    """A lending bank: officers (users with the bank officer role) and an App for its own systems."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=40, blank=True)
    app = models.OneToOneField(
        "integrations.App",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exchange_bank",
        help_text="The App the bank's own systems call with.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lending bank")
        verbose_name_plural = _("lending banks")
        ordering = ["id"]
        permissions = [
            ("bank_lending", "Act for one's bank: full receipt statements, its loans, consented credit reports")
        ]

    def __str__(self):
        return self.name


class BankOfficer(models.Model):
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="officers")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_bank_officer"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bank officer")
        verbose_name_plural = _("bank officers")
        ordering = ["id"]


class FinancingRule(models.Model):
    """Haircut and lines, per bank and per grade; a blank bank or grade applies to every one. The most
    specific rule wins (bank and grade, then bank, then grade, then the platform default)."""

    bank = models.ForeignKey(Bank, null=True, blank=True, on_delete=models.CASCADE, related_name="rules")
    grade = models.ForeignKey(
        "exchange_commodities.Grade", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    haircut_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("20.00"))
    max_ltv_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("60.00"),
        help_text="Loan-to-value limit at approval and for releasing collateral.",
    )
    warning_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("65.00"))
    liquidation_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("80.00"))
    margin_call_hours = models.PositiveIntegerField(
        default=72, help_text="Time a borrower has to answer a margin call."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("financing rule")
        verbose_name_plural = _("financing rules")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "grade"], nulls_distinct=False, name="financing_rule_bank_grade_unique"
            ),
            models.CheckConstraint(
                condition=Q(haircut_percent__gte=0) & Q(haircut_percent__lt=100), name="financing_rule_haircut_range"
            ),
            models.CheckConstraint(
                condition=Q(max_ltv_percent__gt=0)
                & Q(max_ltv_percent__lte=F("warning_percent"))
                & Q(warning_percent__lt=F("liquidation_percent"))
                & Q(liquidation_percent__lte=100),
                name="financing_rule_lines_ordered",
            ),
        ]


class LoanStatus(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("loan status", "In review")
    REJECTED = "rejected", pgettext_lazy("loan status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("loan status", "Withdrawn")
    APPROVED = "approved", pgettext_lazy("loan status", "Approved, pledge registered")
    CANCELLED = "cancelled", pgettext_lazy("loan status", "Cancelled before disbursement")
    ACTIVE = "active", pgettext_lazy("loan status", "Disbursed")
    ENFORCING = "enforcing", pgettext_lazy("loan status", "Forced sale")
    REPAID = "repaid", pgettext_lazy("loan status", "Repaid")
    DEFAULTED = "defaulted", pgettext_lazy("loan status", "Closed with a shortfall")


class Loan(models.Model):
    """A loan on warehouse receipts, from application to its end. The terms are the bank's at approval."""

    number = models.CharField(max_length=24, unique=True)
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="loans")
    borrower = models.ForeignKey("exchange_members.Member", on_delete=models.PROTECT, related_name="loans")
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=LoanStatus.choices, default=LoanStatus.APPLIED)
    amount_requested = models.DecimalField(max_digits=16, decimal_places=2)
    term_days_requested = models.PositiveIntegerField()
    purpose = models.CharField(max_length=255, blank=True)
    # terms, set at approval
    principal = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    annual_rate_percent = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    term_days = models.PositiveIntegerField(null=True, blank=True)
    haircut_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    max_ltv_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    warning_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    liquidation_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    margin_call_hours = models.PositiveIntegerField(null=True, blank=True)
    registry_filing_no = models.CharField(
        max_length=40, blank=True, help_text="Filing number at the national movable-property registry (中登网)."
    )
    rejection_reason = models.CharField(max_length=255, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    disbursed_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    interest_accrued_until = models.DateField(
        null=True, blank=True, help_text="Interest is accrued for every day before this."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("receipt-backed loan")
        verbose_name_plural = _("receipt-backed loans")
        ordering = ["-id"]
        indexes = [models.Index(fields=["bank", "status"]), models.Index(fields=["borrower", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_requested__gt=0), name="loan_amount_requested_positive"),
            models.CheckConstraint(
                condition=Q(principal__isnull=True) | Q(principal__gt=0), name="loan_principal_positive"
            ),
            models.CheckConstraint(condition=Q(term_days_requested__gt=0), name="loan_term_positive"),
        ]

    def __str__(self):
        return self.number


class CollateralStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("collateral status", "Offered")
    PLEDGED = "pledged", pgettext_lazy("collateral status", "Pledged")
    SELLING = "selling", pgettext_lazy("collateral status", "In a forced sale")
    RELEASED = "released", pgettext_lazy("collateral status", "Released")
    DROPPED = "dropped", pgettext_lazy("collateral status", "Not pledged")
    SOLD = "sold", pgettext_lazy("collateral status", "Sold")


# Statuses in which a collateral row is a pledge in force: at most one per receipt (the database says so).
PLEDGE_IN_FORCE = (CollateralStatus.PLEDGED, CollateralStatus.SELLING)


class LoanCollateral(models.Model):
    """A receipt offered for a loan; from approval on, the pledge of that receipt to the loan's bank."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="collateral")
    receipt = models.ForeignKey("exchange_warehouses.Receipt", on_delete=models.PROTECT, related_name="+")
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    status = models.CharField(max_length=16, choices=CollateralStatus.choices, default=CollateralStatus.PROPOSED)
    pledged_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pledged receipt")
        verbose_name_plural = _("pledged receipts")
        ordering = ["id"]
        constraints = [
            # One pledge per receipt, by construction: a second bank's approval fails here even if every
            # check before it were wrong.
            models.UniqueConstraint(
                fields=["receipt"],
                condition=Q(status__in=["pledged", "selling"]),
                name="one_pledge_in_force_per_receipt",
            ),
            models.UniqueConstraint(fields=["loan", "receipt"], name="loan_collateral_receipt_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="loan_collateral_quantity_positive"),
        ]


class LoanEvent(models.Model):
    """Every state change of a loan: a named action, who, when, from and to."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_app = models.ForeignKey(
        "integrations.App", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField()

    class Meta:
        verbose_name = _("loan event")
        verbose_name_plural = _("loan events")
        ordering = ["loan_id", "id"]


class LoanValuation(models.Model):
    """The day's mark of a loan's collateral to the reference prices, and its loan-to-value."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="valuations")
    day = models.DateField()
    tonnes = models.DecimalField(max_digits=16, decimal_places=3)
    market_value = models.DecimalField(max_digits=18, decimal_places=2)
    collateral_value = models.DecimalField(max_digits=18, decimal_places=2, help_text="Market value less the haircut.")
    debt = models.DecimalField(max_digits=18, decimal_places=2, help_text="Principal and accrued interest outstanding.")
    ltv_percent = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Debt over collateral value; blank when there is no priced collateral.",
    )
    prices = models.JSONField(default=dict, help_text="Reference price per grade code used.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("loan valuation")
        verbose_name_plural = _("loan valuations")
        ordering = ["loan_id", "day"]
        constraints = [models.UniqueConstraint(fields=["loan", "day"], name="loan_valuation_day_unique")]


class MarginCallStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("margin call status", "Open")
    RESOLVED = "resolved", pgettext_lazy("margin call status", "Resolved")
    MISSED = "missed", pgettext_lazy("margin call status", "Deadline missed")


class MarginCall(models.Model):
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="margin_calls")
    status = models.CharField(max_length=16, choices=MarginCallStatus.choices, default=MarginCallStatus.OPEN)
    ltv_percent = models.DecimalField(max_digits=9, decimal_places=2, help_text="Loan-to-value when the call opened.")
    opened_at = models.DateTimeField()
    deadline = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("margin call")
        verbose_name_plural = _("margin calls")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["loan"], condition=Q(status="open"), name="one_open_margin_call_per_loan")
        ]


class ForcedSaleStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("forced sale status", "Auction running")
    SOLD = "sold", pgettext_lazy("forced sale status", "Sold and settled")
    UNSOLD = "unsold", pgettext_lazy("forced sale status", "Not sold")


class ForcedSale(models.Model):
    """A sale auction of a loan's pledged receipts started by its bank; the proceeds repay the loan."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="forced_sales")
    auction = models.OneToOneField("exchange_trading.Auction", on_delete=models.PROTECT, related_name="forced_sale")
    status = models.CharField(max_length=16, choices=ForcedSaleStatus.choices, default=ForcedSaleStatus.OPEN)
    reason = models.CharField(max_length=32)
    proceeds = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    interest_repaid = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    principal_repaid = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    remainder_to_owner = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("forced sale")
        verbose_name_plural = _("forced sales")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["loan"], condition=Q(status="open"), name="one_open_forced_sale_per_loan")
        ]


class DisputeSide(models.TextChoices):
    BORROWER = "borrower", pgettext_lazy("dispute side", "Borrower")
    BANK = "bank", pgettext_lazy("dispute side", "Bank")


class DisputeSubject(models.TextChoices):
    VALUATION = "valuation", pgettext_lazy("dispute subject", "Valuation or reference price")
    MARGIN_CALL = "margin_call", pgettext_lazy("dispute subject", "Margin call")
    FORCED_SALE = "forced_sale", pgettext_lazy("dispute subject", "Forced sale")
    REPAYMENT = "repayment", pgettext_lazy("dispute subject", "Repayment or interest")
    COLLATERAL = "collateral", pgettext_lazy("dispute subject", "Pledged receipts")
    OTHER = "other", pgettext_lazy("dispute subject", "Other")


class DisputeStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("dispute status", "Open")
    RESOLVED = "resolved", pgettext_lazy("dispute status", "Resolved")


class LoanDispute(models.Model):
    """A borrower or a bank contests something about a loan; an exchange operator resolves it with a
    written decision. One open dispute per loan and side."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="disputes")
    side = models.CharField(max_length=16, choices=DisputeSide.choices)
    subject = models.CharField(max_length=16, choices=DisputeSubject.choices)
    description = models.TextField(max_length=1000)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    resolution = models.TextField(max_length=1000, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("loan dispute")
        verbose_name_plural = _("loan disputes")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "side"], condition=Q(status="open"), name="one_open_dispute_per_loan_side"
            )
        ]
