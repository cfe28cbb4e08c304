"""What the supply pool tells distribution, which sits above it (meidu.core.hooks; incubator contract)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from meidu.core.hooks import Hook

if TYPE_CHECKING:
    from incubator.supply.models import SupplyOffer

offer_prices_changed: Hook[[SupplyOffer, object], None] = Hook("offer_prices_changed")
"""Fired by supply_offer_update, inside its transaction with the offer row locked for update, after new
prices were saved, with the offer and the actor. Subscriber: incubator.distribution (picks whose retail
price left the new bounds are paused and their distributors told)."""
