"""Reviews through the services: one per delivered line by its buyer, ratings kept up to date,
hidden reviews leave the averages; every refusal writes nothing."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from marketplace.catalog.models import Product
from marketplace.reviews.models import Review
from marketplace.reviews.services import review_create, review_hide
from marketplace.shops.models import Shop
from meidu.accounts.roles import Role
from meidu.core.audit.models import AuditEvent
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.marketplace.reviews.helpers import deliver
from tests.refusals import assert_refused


def ratings(pears, apples):
    return (
        Shop.objects.get(pk=pears["shop"].pk).rating,
        Product.objects.get(pk=pears["variant"].product_id).rating,
        Product.objects.get(pk=apples.product_id).rating,
    )


def refused(code, call, *args, **kwargs):
    return assert_refused(Review.objects.count, code, call, *args, **kwargs)


def test_reviews_keep_shop_and_product_ratings(buyer, make_user, rural, pears, apples, delivered):
    assert ratings(pears, apples) == (None, None, None)
    review = review_create(buyer, delivered["pears"], rating=5, text="  又甜又脆，个头均匀  ")
    assert (review.shop_id, review.product_id, review.product_name, review.text) == (
        pears["shop"].pk,
        pears["variant"].product_id,
        "南果梨",
        "又甜又脆，个头均匀",
    )
    assert ratings(pears, apples) == (Decimal("5.00"), Decimal("5.00"), None)
    review_create(buyer, delivered["apples"], rating=2, text="有两个磕伤")
    assert ratings(pears, apples) == (Decimal("3.50"), Decimal("5.00"), Decimal("2.00"))
    # A second buyer's 4 stars on pears: product (5+4)/2, shop (5+2+4)/3 rounded half-up to the hundredth.
    other = make_user()
    [order] = placed_orders(other, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE", key="pay-2")
    deliver(order, pears["owner"], other)
    review_create(other, order.lines.get(), rating=4)
    assert ratings(pears, apples) == (Decimal("3.67"), Decimal("4.50"), Decimal("2.00"))


def test_hidden_reviews_leave_the_averages(buyer, make_user, pears, apples, delivered):
    operator = make_user(Role.OPERATOR)
    review_create(buyer, delivered["pears"], rating=5)
    abusive = review_create(buyer, delivered["apples"], rating=1, text="骂人的话")
    hidden = review_hide(abusive, actor=operator, reason="辱骂商家")
    assert (hidden.is_hidden, hidden.hidden_reason, hidden.hidden_by) == (True, "辱骂商家", operator)
    assert ratings(pears, apples) == (Decimal("5.00"), Decimal("5.00"), None)
    assert AuditEvent.objects.filter(action="review.hidden", target_id=str(abusive.pk)).exists()
    refused("already_hidden", review_hide, abusive, actor=operator, reason="again")
    assert ratings(pears, apples) == (Decimal("5.00"), Decimal("5.00"), None)


def test_hiding_needs_a_reason(buyer, make_user, delivered):
    review = review_create(buyer, delivered["pears"], rating=1)
    refused("required", review_hide, review, actor=make_user(Role.OPERATOR), reason="   ")
    refused("invalid", review_hide, review, actor=make_user(Role.OPERATOR), reason="长" * 256)
    assert not Review.objects.get(pk=review.pk).is_hidden


def test_refusals_write_nothing(buyer, make_user, rural, pears, apples, delivered):
    line = delivered["pears"]
    refused("not_found", review_create, make_user(), line, rating=5)  # another buyer's line
    from django.contrib.auth.models import AnonymousUser

    refused("not_found", review_create, AnonymousUser(), line, rating=5)
    for bad in (0, 6, "5", None, True):
        refused("invalid", review_create, buyer, line, rating=bad)
    refused("invalid", review_create, buyer, line, rating=5, text="好" * 1001)
    [undelivered] = placed_orders(buyer, rural, [(apples, 1)], gateway=OFFLINE, action="CHARGE", key="pay-3")
    refused("not_delivered", review_create, buyer, undelivered.lines.get(), rating=5)
    assert ratings(pears, apples) == (None, None, None)
    review_create(buyer, line, rating=4)
    refused("already_reviewed", review_create, buyer, line, rating=1)
    assert ratings(pears, apples) == (Decimal("4.00"), Decimal("4.00"), None)


def test_the_database_allows_one_review_per_line(buyer, delivered):
    review = review_create(buyer, delivered["pears"], rating=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            order_line=review.order_line, shop_id=review.shop_id, user=buyer, product_name="x", rating=5
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            order_line=delivered["apples"], shop_id=review.shop_id, user=buyer, product_name="x", rating=9
        )
