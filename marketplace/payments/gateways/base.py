"""The gateway protocol and what a gateway answers.

A gateway talks to a provider (or to nobody, for cash) and reports what happened as one
event type with an amount; it never writes our tables. marketplace.payments.services
records the result as a TransactionEvent and moves the item's amounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable


@dataclass
class GatewayResult:
    """One outcome, shaped like the response of Saleor's payment-app sync webhooks."""

    type: str  # a TransactionEventType value
    amount: Decimal
    psp_reference: str = ""
    data: dict | None = None  # handed to the client (e.g. a Stripe client secret)
    message: str = ""
    external_url: str = ""


class GatewayError(Exception):
    """The provider could not be reached or refused the call outright (no event to record)."""


@runtime_checkable
class PaymentGateway(Protocol):
    id: str  # stable, e.g. "meidu.payments.cod"; stored on TransactionItem.gateway
    name: str
    currencies: tuple[str, ...]
    # True when checkoutComplete must wait for the money to be authorised or charged
    # (card payments); False when the order is made first (cash on delivery, bank transfer).
    requires_payment_before_order: bool
    # True when a capture of less than the authorisation releases the rest (Stripe).
    capture_releases_remainder: bool

    def is_available(self) -> bool:
        """Offered at all (configured keys present)."""

    def config(self) -> dict:
        """Public settings a storefront may read (PaymentGateway.config)."""

    def initialize_session(self, *, source, amount: Decimal, data: dict | None) -> dict:
        """paymentGatewayInitialize: what the client needs before paying (e.g. a publishable key)."""

    def initialize(
        self, item, *, action: str, amount: Decimal, data: dict | None, idempotency_key: str
    ) -> GatewayResult:
        """transactionInitialize: start a payment of ``amount``; ``action`` is CHARGE or AUTHORIZATION."""

    def process(self, item, *, data: dict | None) -> GatewayResult:
        """transactionProcess: the client finished its part (3-D Secure...); read the outcome."""

    def charge(self, item, amount: Decimal, *, idempotency_key: str = "") -> GatewayResult:
        """Capture ``amount`` of the authorisation."""

    def refund(self, item, amount: Decimal, *, idempotency_key: str = "") -> GatewayResult:
        """Give back ``amount`` of what was charged."""

    def cancel(self, item) -> GatewayResult:
        """Void what is authorised and not charged."""

    # Optional: ``cancel_partial(item, amount) -> GatewayResult`` releases part of an authorisation
    # (cash on delivery, offline). Gateways without it (Stripe) can only void all of it.


class BaseGateway:
    """Defaults shared by our gateways."""

    id = ""
    name = ""
    currencies: tuple[str, ...] = ("CNY",)
    requires_payment_before_order = True
    capture_releases_remainder = False

    def is_available(self) -> bool:
        return True

    def config(self) -> dict:
        return {}

    def initialize_session(self, *, source, amount, data):
        return {}

    def process(self, item, *, data):
        from marketplace.payments.models import TransactionEventType

        return GatewayResult(TransactionEventType.INFO, Decimal(0), message="Nothing to process")


def voidable_amount(item) -> Decimal:
    """What a cancel releases: the authorisation not yet charged plus anything still pending."""
    return (
        Decimal(item.authorized_amount) + Decimal(item.authorize_pending_amount) + Decimal(item.charge_pending_amount)
    )


@dataclass(frozen=True, slots=True)
class BillLine:
    """One line of a provider's daily bill, normalised so that every provider reconciles the same way.

    A gateway that offers ``bill_lines(day) -> Iterable[BillLine]`` (raising GatewayError when the
    bill cannot be had) is reconciled by the daily beat job (services.reconciliation).
    ``psp_reference`` is the provider's id of the movement (its transaction id for a payment, its
    refund id for a refund) and is what our TransactionEvent of that movement carries;
    ``our_reference`` is the number we sent (out_trade_no / out_refund_no), shown to operators.
    """

    kind: str  # BILL_PAYMENT or BILL_REFUND
    psp_reference: str
    our_reference: str
    amount: Decimal  # positive, in the currency's units (yuan), already exact to the fen
    currency: str = "CNY"


BILL_PAYMENT = "payment"
BILL_REFUND = "refund"
