"""Listings, auctions and requests for quote (rows carrying the denormalised state the API shows),
their append-only journal, the trades they produce and the contracts that name both parties.

The journal is the history: `trading.journal` rebuilds any aggregate from it, and the row of a
listing/auction/RFQ always equals the projection of that rebuilt state (tested). Trades are created
only from TradeExecuted events."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MONEY = dict(max_digits=16, decimal_places=2)
PRICE = dict(max_digits=12, decimal_places=2)
TONNES = dict(max_digits=14, decimal_places=3)


class AggregateType(models.TextChoices):
    LISTING = "listing", _("Listing")
    AUCTION = "auction", _("Auction")
    RFQ = "rfq", _("Request for quote")


class Side(models.TextChoices):
    SELL = "sell", pgettext_lazy("listing side", "Sell")
    BUY = "buy", pgettext_lazy("listing side", "Buy (wanted)")


class ListingStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("listing status", "Open")
    FILLED = "filled", pgettext_lazy("listing status", "Filled")
    WITHDRAWN = "withdrawn", pgettext_lazy("listing status", "Withdrawn")
    EXPIRED = "expired", pgettext_lazy("listing status", "Expired")
    CANCELLED = "cancelled", pgettext_lazy("listing status", "Cancelled")


class AuctionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("auction status", "Open")
    CLOSED = "closed", pgettext_lazy("auction status", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("auction status", "Cancelled")


class Listing(models.Model):
    """挂牌: a sell listing backed by locked receipts, or a wanted (buy) listing backed by a frozen deposit."""

    side = models.CharField(max_length=8, choices=Side.choices)
    owner = models.ForeignKey("exchange_members.Member", on_delete=models.PROTECT, related_name="+")
    grade = models.ForeignKey("exchange_commodities.Grade", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**TONNES)
    remaining = models.DecimalField(**TONNES)
    price = models.DecimalField(**PRICE)
    min_pick = models.DecimalField(**TONNES)
    step = models.DecimalField(**TONNES)
    reference_price = models.DecimalField(null=True, blank=True, **PRICE)
    status = models.CharField(max_length=12, choices=ListingStatus.choices, default=ListingStatus.OPEN)
    expires_at = models.DateTimeField(null=True, blank=True)
    trade_count = models.PositiveIntegerField(default=0)
    traded_quantity = models.DecimalField(default=Decimal("0"), **TONNES)
    deposit_held = models.DecimalField(default=Decimal("0"), **MONEY)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["-id"]
        indexes = [models.Index(fields=["grade", "status"])]
        constraints = [models.CheckConstraint(condition=Q(remaining__gte=0), name="trading_listing_remaining_nonneg")]

    @property
    def aggregate_id(self) -> str:
        return f"L{self.pk}"


class Auction(models.Model):
    """竞卖 (sale, ascending above a reserve) or 竞买 (procurement); `lots` holds per lot its tonnes,
    reserve, live bid tonnes and best price."""

    kind = models.CharField(max_length=12, choices=[("sale", _("Sale")), ("procurement", _("Procurement"))])
    initiator = models.ForeignKey("exchange_members.Member", on_delete=models.PROTECT, related_name="+")
    grade = models.ForeignKey("exchange_commodities.Grade", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**TONNES)
    lots = models.JSONField(default=list)
    reference_price = models.DecimalField(null=True, blank=True, **PRICE)
    band_low = models.DecimalField(null=True, blank=True, **PRICE)
    band_high = models.DecimalField(null=True, blank=True, **PRICE)
    min_bid_quantity = models.DecimalField(**TONNES)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    extensions = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=AuctionStatus.choices, default=AuctionStatus.OPEN)
    bid_count = models.PositiveIntegerField(default=0)
    live_bid_count = models.PositiveIntegerField(default=0)
    best_price = models.DecimalField(null=True, blank=True, **PRICE)
    sold_quantity = models.DecimalField(default=Decimal("0"), **TONNES)
    trade_count = models.PositiveIntegerField(default=0)
    deposits_held = models.DecimalField(default=Decimal("0"), **MONEY)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("auction")
        verbose_name_plural = _("auctions")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "ends_at"])]

    @property
    def aggregate_id(self) -> str:
        return f"A{self.pk}"


class Rfq(models.Model):
    """协议交易: a request for quote. SELL: the requester's receipts are locked at open and buyers quote
    with a frozen deposit; BUY: sellers quote, the requester's deposit is frozen on acceptance and the
    quoting seller's receipts are locked then."""

    side = models.CharField(max_length=8, choices=Side.choices)
    requester = models.ForeignKey("exchange_members.Member", on_delete=models.PROTECT, related_name="+")
    grade = models.ForeignKey("exchange_commodities.Grade", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**TONNES)
    remaining = models.DecimalField(**TONNES)
    reference_price = models.DecimalField(null=True, blank=True, **PRICE)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=ListingStatus.choices, default=ListingStatus.OPEN)
    quotes = models.JSONField(default=list, help_text="Live quotes: id, quoter, price, quantity.")
    trade_count = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("request for quote")
        verbose_name_plural = _("requests for quote")
        ordering = ["-id"]

    @property
    def aggregate_id(self) -> str:
        return f"R{self.pk}"


class JournalEntry(models.Model):
    """One engine event, append-only: (aggregate type, id, seq) is unique and seq has no gaps."""

    aggregate_type = models.CharField(max_length=8, choices=AggregateType.choices)
    aggregate_pk = models.BigIntegerField()
    seq = models.PositiveIntegerField()
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["aggregate_type", "aggregate_pk", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["aggregate_type", "aggregate_pk", "seq"], name="trading_journal_seq_unique")
        ]


class TradeMode(models.TextChoices):
    LISTING = "listing", _("Listing")
    AUCTION = "auction", _("Auction")
    NEGOTIATED = "negotiated", _("Negotiated")


class Trade(models.Model):
    """A spot contract between two named members: the buyer's deposit is frozen, the balance is due by
    `settlement_due_at`, the receipts (already split to the exact tonnes) stay locked until settlement."""

    engine_trade_id = models.CharField(max_length=40, unique=True)
    mode = models.CharField(max_length=12, choices=TradeMode.choices)
    aggregate_type = models.CharField(max_length=8, choices=AggregateType.choices)
    aggregate_pk = models.BigIntegerField()
    grade = models.ForeignKey("exchange_commodities.Grade", on_delete=models.PROTECT, related_name="+")
    buyer = models.ForeignKey("exchange_members.Member", on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey("exchange_members.Member", on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField(**PRICE)
    quantity = models.DecimalField(**TONNES)
    value = models.DecimalField(**MONEY)
    deposit = models.DecimalField(**MONEY)
    buyer_fee = models.DecimalField(**MONEY)
    seller_fee = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="CNY")
    settlement_due_at = models.DateTimeField()
    executed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trade")
        verbose_name_plural = _("trades")
        ordering = ["-id"]
        indexes = [models.Index(fields=["buyer"]), models.Index(fields=["seller"])]
        constraints = [
            models.CheckConstraint(condition=~Q(buyer=models.F("seller")), name="trading_trade_two_parties"),
            models.CheckConstraint(condition=Q(quantity__gt=0) & Q(price__gt=0), name="trading_trade_positive"),
        ]


class LotReceipt(models.Model):
    """A receipt locked behind a listing, auction or RFQ; `trade` is set once its tonnes are sold
    (the receipt was split first so it holds exactly the trade's share); `released` when unlocked."""

    aggregate_type = models.CharField(max_length=8, choices=AggregateType.choices)
    aggregate_pk = models.BigIntegerField()
    receipt = models.ForeignKey("exchange_warehouses.Receipt", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**TONNES)
    trade = models.ForeignKey(Trade, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts")
    released = models.BooleanField(default=False)
    superseded = models.BooleanField(default=False, help_text="Split into parts listed in their own rows.")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["aggregate_type", "aggregate_pk"])]


class Contract(models.Model):
    """The electronic contract of a trade: both parties named, the terms frozen as signed JSON; the
    PDF is rendered from these fields (trading.contracts.contract_pdf)."""

    trade = models.OneToOneField(Trade, on_delete=models.PROTECT, related_name="contract")
    number = models.CharField(max_length=32, unique=True)
    buyer_name = models.CharField(max_length=120)
    buyer_credit_code = models.CharField(max_length=18)
    seller_name = models.CharField(max_length=120)
    seller_credit_code = models.CharField(max_length=18)
    terms = models.JSONField()
    terms_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-id"]


class TradingHoliday(models.Model):
    """A weekday the exchange is closed, as published each year after the State Council's holiday
    notice (weekends are never trading days, make-up working Saturdays included)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("trading holiday")
        verbose_name_plural = _("trading holidays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"
