"""What the payments app tells the layers above it, without importing them (meidu.core.hooks).

Payments sits below checkout and orders (marketplace/LAYERS.md): they call its services; it
reaches them only through these two hooks, whose subscribers meidu/wiring.py names.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from meidu.core.hooks import Hook

if TYPE_CHECKING:
    from marketplace.payments.models import TransactionEvent, TransactionItem


@dataclass(frozen=True)
class PaymentSource:
    """What the payments layer needs to know about what a checkout token pays: the checkout while
    it is open, the orders it became once completed."""

    token: object
    channel_slug: str
    currency: str
    total: Decimal
    user_id: int | None
    email: str
    is_completed: bool
    shops: int = 1  # the shops it pays (one order each): a gateway that captures once cannot hold for several


transaction_changed: Hook[[TransactionItem, TransactionEvent | None], None] = Hook("transaction_changed")
"""Fired by ``_event_record`` after every change of an item's amounts, inside the service's database
transaction with the TransactionItem row locked: a subscriber that raises rolls the payment change
back too. Subscriber: orders (their share of the checkout's payment, paid status, refunds settled late)."""

payment_source: Hook[[object], PaymentSource | None] = Hook("payment_source")
"""Asked with a checkout token: what it pays (None when neither a checkout nor orders have it).
Subscriber: checkout (checkout_payment_source, which looks at the orders once the checkout is gone)."""


def payment_source_of(checkout_token) -> PaymentSource | None:
    return payment_source.first(checkout_token)
