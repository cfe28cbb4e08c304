"""Who reacts to what: every hook's subscribers, named in this one place.

A lower layer that must reach a higher one fires a typed hook (meidu.core.hooks) declared in its
own module; the layer above never registers itself from wherever it likes. This module sits above
every domain (it may import them all, nothing imports it) and connects each hook once at start-up,
from WiringConfig.ready(). To see who reacts to a payment, read the block of
``payments_hooks.transaction_changed`` below; to add a reaction, add a line here.

Subscribers run in the order listed, in the firing thread and transaction (see meidu.core.hooks).
"""

from __future__ import annotations


def connect() -> None:
    """Connect every hook's subscribers (idempotent: a subscriber is connected once)."""
    from logistics.shipments import hooks as shipments_hooks
    from magnesium_exchange.financing.services import forced_sale
    from magnesium_exchange.settlement import hooks as settlement_hooks
    from magnesium_exchange.settlement.selectors import member_open_exposure, member_open_exposure_sql
    from magnesium_exchange.settlement.services import settlement_open
    from magnesium_exchange.trading import hooks as trading_hooks
    from marketplace.checkout.selectors import checkout_payment_source
    from marketplace.orders import hooks as orders_hooks
    from marketplace.orders.payment_hooks import orders_transaction_changed
    from marketplace.orders.shipment_hooks import orders_shipment_changed
    from marketplace.payments import hooks as payments_hooks
    from marketplace.settlement.services.assist_fee import assist_fee_sync
    from marketplace.settlement.services.sync import settlement_order_sync_soon
    from meidu.accounts.services import user_bearer_authenticate
    from meidu.core.graphql.auth import bearer_authenticators
    from meidu.core.graphql.permissions import actor_permission_checks
    from meidu.integrations.services.apps import actor_has_permission, app_bearer_authenticate

    # meidu.core: who holds a bearer credential (a user's JWT first, then an app token) ...
    bearer_authenticators.connect(user_bearer_authenticate)
    bearer_authenticators.connect(app_bearer_authenticate)
    # ... and whether an actor (a user or an app) holds a permission.
    actor_permission_checks.connect(actor_has_permission)

    # logistics.shipments -> orders: an order's shipment moved (the SHIPMENT_* webhooks).
    shipments_hooks.shipment_changed.connect(orders_shipment_changed)
    # marketplace.payments -> orders: money moved on a checkout's transaction (shares, paid, late refunds).
    payments_hooks.transaction_changed.connect(orders_transaction_changed)
    # marketplace.payments -> checkout: what a checkout token pays (the checkout, or its orders).
    payments_hooks.payment_source.connect(checkout_payment_source)

    # marketplace.orders -> settlement: an order's timeline moved, so its postings may have.
    orders_hooks.order_changed.connect(settlement_order_sync_soon)
    # ... and a station agent's fee for an order placed for a villager (delivered: owed; cancelled: back).
    orders_hooks.order_changed.connect(assist_fee_sync)

    # exchange settlement and trading -> financing: a forced sale's settlement repays the loan from the
    # proceeds (in the settlement's transaction); its auction ending unsold leaves the loan enforcing.
    settlement_hooks.settlement_locked.connect(forced_sale.forced_sale_settlement_locked)
    settlement_hooks.settlement_completed.connect(forced_sale.forced_sale_settlement_completed)
    settlement_hooks.settlement_defaulted.connect(forced_sale.forced_sale_settlement_defaulted)
    trading_hooks.auction_closing.connect(forced_sale.forced_sale_auction_closing)
    trading_hooks.auction_ended.connect(forced_sale.forced_sale_auction_ended)

    # exchange trading -> settlement: a recorded trade opens its settlement; a member's open exposure
    # (its contracts awaiting settlement) is settlement's to count.
    trading_hooks.trade_recorded.connect(settlement_open)
    trading_hooks.open_exposure.connect(member_open_exposure)
    trading_hooks.open_exposure_sql.connect(member_open_exposure_sql)
