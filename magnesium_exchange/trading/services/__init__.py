"""Trading use cases (one function each). Lock order and effects: services.common."""

from magnesium_exchange.trading.services.auctions import (  # noqa: F401
    auction_bid,
    auction_cancel,
    auction_close,
    auction_close_if_due,
    auction_open,
    auctions_close_due,
)
from magnesium_exchange.trading.services.listings import (  # noqa: F401
    listing_expire,
    listing_open,
    listing_pick,
    listing_reprice,
    listing_withdraw,
    listings_expire_due,
)
from magnesium_exchange.trading.services.negotiation import (  # noqa: F401
    quote_accept,
    quote_submit,
    rfq_cancel,
    rfq_open,
    rfqs_expire_due,
)
