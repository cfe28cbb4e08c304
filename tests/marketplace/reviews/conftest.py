import pytest

from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.marketplace.factories import listed_product
from tests.marketplace.reviews.helpers import deliver


@pytest.fixture
def apples(pears, rural):
    """A second product of the pear farmer's shop."""
    return listed_product(pears["shop"], pears["owner"], rural, name="寒富苹果", price="8.00").variants.get()


@pytest.fixture
def delivered(buyer, rural, pears, apples):
    """A delivered order of the buyer with two lines (pears, apples) from one shop."""
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2), (apples, 1)], gateway=OFFLINE, action="CHARGE")
    deliver(order, pears["owner"], buyer)
    lines = {line.variant_id: line for line in order.lines.all()}
    return {"order": order, "pears": lines[pears["variant"].pk], "apples": lines[apples.pk]}
