from tests.marketplace.checkout.conftest import buyer_client, pears, zones  # noqa: F401
