from tests.marketplace.checkout.conftest import buyer_client, cooker, pears, station, station_agent, zones  # noqa: F401
