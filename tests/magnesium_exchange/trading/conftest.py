from tests.magnesium_exchange.trading_factories import *  # noqa: F401,F403
