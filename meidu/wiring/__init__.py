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
    from incubator.commission.services.lines import commission_order_sync, commission_resale_placed
    from incubator.commission.services.payouts import commission_payout_returned, commission_payouts_add
    from incubator.distribution.selectors import resale_terms_get, resale_terms_locked
    from incubator.distribution.services import picks_fit_offer_bounds
    from incubator.referrals.services import resale_orders_attribute
    from incubator.supply import hooks as supply_hooks
    from logistics.shipments import hooks as shipments_hooks
    from magnesium_exchange.financing.services import forced_sale
    from magnesium_exchange.settlement import hooks as settlement_hooks
    from magnesium_exchange.settlement.selectors import member_open_exposure, member_open_exposure_sql
    from magnesium_exchange.settlement.services import settlement_open
    from magnesium_exchange.trading import hooks as trading_hooks
    from marketplace.catalog.services_search import shop_search_stale, shop_search_visibility
    from marketplace.checkout import hooks as checkout_hooks
    from marketplace.checkout.selectors import checkout_payment_source
    from marketplace.orders import hooks as orders_hooks
    from marketplace.orders.payment_hooks import orders_transaction_changed
    from marketplace.orders.shipment_hooks import orders_shipment_changed
    from marketplace.payments import hooks as payments_hooks
    from marketplace.settlement import hooks as settlement_market_hooks
    from marketplace.settlement.services.assist_fee import assist_fee_sync
    from marketplace.settlement.services.sync import settlement_order_sync_soon
    from marketplace.shops import hooks as shops_hooks
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

    # marketplace.shops -> catalog: a shop moved village, so its products' search documents are stale.
    shops_hooks.shop_place_changed.connect(shop_search_stale)
    # ... and its status or holiday mode changed, so where its products are public changed with it.
    shops_hooks.shop_visibility_changed.connect(shop_search_visibility)

    # marketplace.orders -> settlement: an order's timeline moved, so its postings may have.
    orders_hooks.order_changed.connect(settlement_order_sync_soon)
    # ... and a station agent's fee for an order placed for a villager (delivered: owed; cancelled: back).
    orders_hooks.order_changed.connect(assist_fee_sync)

    # marketplace.checkout -> incubator (issue 16): a reseller's live terms for a variant (when a buyer adds
    # it through a distributor's shop, and under lock at completion), and the resale lines placed (the
    # order's attribution, then the DistributedLine rows commission reads).
    checkout_hooks.resale_terms.connect(resale_terms_get)
    checkout_hooks.resale_terms_locked.connect(resale_terms_locked)
    checkout_hooks.resale_lines_placed.connect(resale_orders_attribute)
    # ... then the commission of resold orders already paid at placement (settled before their lines existed).
    checkout_hooks.resale_lines_placed.connect(commission_resale_placed)
    # incubator.supply -> distribution: new offer prices pause the picks they leave out of bounds.
    supply_hooks.offer_prices_changed.connect(picks_fit_offer_bounds)

    # marketplace.settlement -> incubator commission: a resold order's money or window moved (pending,
    # earned, clawed back, from the distribution margin); the weekly payout batch takes the
    # distributors' earned commission into the same bank file; a returned commission transfer.
    settlement_market_hooks.order_settled.connect(commission_order_sync)
    settlement_market_hooks.payout_batch_filling.connect(commission_payouts_add)
    settlement_market_hooks.payout_failed.connect(commission_payout_returned)

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
