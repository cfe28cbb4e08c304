"""What the shops app tells the layers above it, without importing them (meidu.core.hooks)."""

from __future__ import annotations

from meidu.core.hooks import Hook

shop_place_changed: Hook[[int], None] = Hook("shop_place_changed")
"""Fired with the shop's id when its village changes (shop_update), inside the causing transaction.
Subscriber: the catalogue's search (shop_search_stale: the shop's products' documents name the village
of a product without its own origin, so they are marked for rebuild)."""

shop_visibility_changed: Hook[[int], None] = Hook("shop_visibility_changed")
"""Fired with the shop's id when whether buyers see its products changes (status, holiday mode), inside
the causing transaction. Subscriber: the catalogue's search (shop_search_visibility rewrites where the
shop's products are public in their search documents)."""
