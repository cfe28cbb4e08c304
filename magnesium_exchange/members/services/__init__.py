"""Member and funds use cases; the trading and settlement services call the funds ones."""

from magnesium_exchange.members.services.funds import (  # noqa: F401
    funds_deposit_confirm,
    funds_deposit_request,
    funds_freeze,
    funds_release,
    funds_request_reject,
    funds_spend_guard,
    funds_transfer,
    funds_withdraw_confirm,
    funds_withdraw_request,
)
from magnesium_exchange.members.services.members import (  # noqa: F401
    member_counterparty_set,
    member_create,
    member_credit_config_set,
    member_status_set,
    trader_add,
    trader_deactivate,
)
from magnesium_exchange.members.services.withdrawal import (  # noqa: F401
    funds_withdraw_request_by_code,
)
