"""What the checkout asks and tells the incubator, which sits above the marketplace (meidu.core.hooks).

Resale (issue 16): a buyer may buy a supplier's variant through a distributor's shop at the
distributor's retail price. Whether that distributor still sells it (its pick is live, the supplier's
offer open) and at what price is the incubator's answer; the marketplace never imports incubator, so it
asks through these hooks, whose subscribers meidu/wiring names.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from meidu.core.hooks import Hook

if TYPE_CHECKING:
    from marketplace.orders.models import Order, OrderLine


@dataclass(frozen=True)
class ResaleTerms:
    """A reseller's live terms for one variant: what the buyer pays per unit (retail) and what the
    supplier is paid per unit (supply), with the incubator's ids of the pick and offer behind them."""

    reseller_shop_id: int
    variant_id: int
    retail_unit_price: Decimal
    supply_unit_price: Decimal
    pick_id: int
    offer_id: int


@dataclass(frozen=True)
class ResalePlacement:
    """One order line sold through a reseller, as placed: the line, its order and the terms it was sold on."""

    order: Order
    order_line: OrderLine
    terms: ResaleTerms


resale_terms: Hook[[int, int], ResaleTerms | None] = Hook("resale_terms")
"""Asked with (reseller shop id, variant id) when a buyer adds a line through a reseller: its live terms,
or None when that shop does not sell the variant now. Read only. Subscriber: incubator.distribution."""

resale_terms_locked: Hook[[list[tuple[int, int]]], dict[tuple[int, int], ResaleTerms]] = Hook("resale_terms_locked")
"""Asked by checkout_complete, after it locked the checkout row and before any stock row, with the
(reseller shop id, variant id) pairs of its resale lines: the live terms of each, keyed by the pair (a
pair that is not live is missing). The subscriber share-locks the offers and picks it read, so a
supplier pausing an offer waits for this completion or is seen by it. Subscriber: incubator.distribution."""

resale_lines_placed: Hook[[list[ResalePlacement], object], None] = Hook("resale_lines_placed")
"""Fired by checkout_complete, in its transaction, after the orders and lines were written, with the
resale lines placed and the buyer (a user or None). Subscriber: incubator.referrals (the order's
attribution, then incubator.distribution's DistributedLine rows)."""
