"""Reviews written at the same moment on separate database connections: the shop lock makes each
writer recompute after the previous one committed, so the averages count every review, and a
line reviewed twice at once keeps one review."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from marketplace.catalog.models import Product
from marketplace.reviews.models import Review
from marketplace.reviews.services import review_create
from marketplace.shops.models import Shop
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.marketplace.reviews.helpers import deliver
from tests.support.races import codes, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_reviews_all_count(make_user, rural, pears):
    lines = []
    for k in range(6):
        someone = make_user()
        [order] = placed_orders(
            someone, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE", key=f"race{k}"
        )
        deliver(order, pears["owner"], someone)
        lines.append((someone, order.lines.get(), 1 + k % 5))
    outcomes = race(*[lambda s=s, line=line, r=r: review_create(s, line, rating=r) for s, line, r in lines])
    assert [outcome.code for outcome in outcomes] == ["ok"] * 6
    expected = (Decimal(sum(r for _, _, r in lines)) / 6).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert Shop.objects.get(pk=pears["shop"].pk).rating == expected
    assert Product.objects.get(pk=pears["variant"].product_id).rating == expected


def test_the_same_line_reviewed_twice_at_once(buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE")
    deliver(order, pears["owner"], buyer)
    line = order.lines.get()
    outcomes = race(lambda: review_create(buyer, line, rating=5), lambda: review_create(buyer, line, rating=1))
    assert codes(outcomes) == ["already_reviewed", "ok"]
    review = Review.objects.get()
    assert Shop.objects.get(pk=pears["shop"].pk).rating == Decimal(review.rating)
