from tests.magnesium_exchange.records_factories import *  # noqa: F401,F403
