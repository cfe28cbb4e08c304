"""Member firms, their traders, credit matching, and funds requests.

Funds themselves are ledger accounts (meidu.core.ledger), never columns here: see
``magnesium_exchange.members.accounts`` for their codes.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class CreditMatchingMode(models.TextChoices):
    OPEN = "open", _("Deal with every member except those denied")
    ALLOW_LIST = "allow_list", _("Deal only with members on the allow list")


class Member(models.Model):
    """A member firm. KYC: the unified social credit code (checksum-validated), legal representative,
    registered address and the bank account funds are withdrawn to."""

    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=40, blank=True)
    credit_code = models.CharField(max_length=18, unique=True)
    legal_representative = models.CharField(max_length=64)
    registered_address = models.CharField(max_length=255)
    contact_name = models.CharField(max_length=64, blank=True)
    contact_phone = models.CharField(max_length=20, blank=True)
    bank_name = models.CharField(max_length=64)
    bank_account_name = models.CharField(max_length=120)
    bank_account_number = models.CharField(max_length=34)
    status = models.CharField(max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    kyc_verified_at = models.DateTimeField(null=True, blank=True)
    credit_matching_mode = models.CharField(
        max_length=16, choices=CreditMatchingMode.choices, default=CreditMatchingMode.OPEN
    )
    exposure_cap = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        default=Decimal("10000000.00"),
        help_text="Most value (CNY) of open, unsettled buy and sell contracts the member may carry.",
    )
    exposure_cap_tonnes = models.DecimalField(
        max_digits=14,
        decimal_places=3,
        default=Decimal("20000.000"),
        help_text="Most tonnes of open, unsettled contracts the member may carry.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("exchange member")
        verbose_name_plural = _("exchange members")
        ordering = ["id"]
        permissions = [
            ("manage_exchange", "Operate the exchange: members, commodities, configuration"),
            ("confirm_funds", "Confirm deposits and withdrawals as the settlement bank"),
        ]
        indexes = [
            # the few members that run an allow list: every bid's credit-matching facts look them up
            models.Index(
                fields=["id"], condition=models.Q(credit_matching_mode="allow_list"), name="member_allow_list_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(exposure_cap__gte=0), name="member_exposure_cap_nonneg"),
            models.CheckConstraint(
                condition=models.Q(exposure_cap_tonnes__gte=0), name="member_exposure_tonnes_nonneg"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def bank_account_last4(self) -> str:
        return self.bank_account_number[-4:]


class Trader(models.Model):
    """A user who acts for one member firm, with the member's grant of what they may do."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="traders")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_trader")
    can_trade = models.BooleanField(default=True)
    can_settle = models.BooleanField(default=False)
    can_manage_funds = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trader")
        verbose_name_plural = _("traders")
        ordering = ["id"]


class CounterpartyRuleKind(models.TextChoices):
    ALLOW = "allow", _("Allow")
    DENY = "deny", _("Deny")


class CounterpartyRule(models.Model):
    """Credit matching (信用匹配): whom a member accepts, or refuses, as a counterparty."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="counterparty_rules")
    counterparty = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=CounterpartyRuleKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("counterparty rule")
        verbose_name_plural = _("counterparty rules")
        constraints = [
            models.UniqueConstraint(fields=["member", "counterparty"], name="counterparty_rule_unique"),
            models.CheckConstraint(
                condition=~models.Q(member=models.F("counterparty")), name="counterparty_rule_not_self"
            ),
        ]


class FundsRequestKind(models.TextChoices):
    DEPOSIT = "deposit", _("Deposit")
    WITHDRAWAL = "withdrawal", _("Withdrawal")


class FundsRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class FundsRequest(models.Model):
    """A deposit or withdrawal a member asks for and the settlement bank confirms (or rejects)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="funds_requests")
    kind = models.CharField(max_length=16, choices=FundsRequestKind.choices)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3, default="CNY")
    status = models.CharField(max_length=16, choices=FundsRequestStatus.choices, default=FundsRequestStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by_app = models.ForeignKey(
        "integrations.App", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bank_reference = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=255, blank=True)
    ledger_transaction = models.ForeignKey(
        "ledger.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("funds request")
        verbose_name_plural = _("funds requests")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="funds_request_amount_positive")]


class FundsHold(models.Model):
    """Funds a member has promised to a live auction: the deposits of its live bids there (or, for a
    procurement auction's initiator, the deposit on the ceiling value). A reservation, not a movement of
    money: the ledger's available balance is unchanged and the member's spendable funds are that balance
    minus its holds. One row per member and auction, changed in place by each bid; the close turns the
    winners' applied deposits into ledger freezes and the rest falls back to zero.

    Invariant: ledger available − holds ≥ 0 per member. A hold only grows, and available only falls,
    under the member's available ledger-account row lock, with both read after the lock."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", db_index=False)
    reference = models.CharField(max_length=64, help_text="The aggregate holding the funds, e.g. auction:12.")
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["member", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["member", "reference"], name="funds_hold_member_reference_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="funds_hold_amount_nonneg"),
        ]
