from tests.magnesium_exchange.credit.lenders import *  # noqa: F401,F403
from tests.magnesium_exchange.trading_factories import *  # noqa: F401,F403
