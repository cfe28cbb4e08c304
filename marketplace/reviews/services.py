"""Review use cases: a buyer reviews a delivered line; an operator hides an abusive review.

Both keep Shop.rating and Product.rating (the averages of visible reviews, to the hundredth)
up to date in the same transaction, written through the shops and catalog services.

Lock order: the transaction-scoped advisory lock of the review's shop (REVIEW_LOCK_NAMESPACE,
shop pk) first, then the review row, then the Product row and the Shop row (their rating
UPDATEs). Every review of a product belongs to the product's shop, so that one lock
serialises all writers of both averages: each recomputes after the previous one committed.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.catalog.services import product_rating_set
from marketplace.orders.models import OrderLine
from marketplace.reviews.error_codes import ReviewErrorCode
from marketplace.reviews.models import Review
from marketplace.reviews.policies import review_is_line_buyer, review_line_delivered
from marketplace.shops.services import shop_notice_send, shop_rating_set
from meidu.accounts.throttle import allowance_take
from meidu.core.audit.services import audit_record
from meidu.core.cache_versions import CATALOG, SHOPS, bump
from meidu.core.errors import DomainError

REVIEW_LOCK_NAMESPACE = 0x52455657  # "REVW": keeps these advisory keys apart from any other use
TEXT_MAX = 1000
REASON_MAX = 255


def _shop_lock(shop_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [REVIEW_LOCK_NAMESPACE, shop_id])


def _average(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _ratings_refresh(shop_id: int, product_id: int | None) -> None:
    """Recompute both averages over visible reviews in one query and store them."""
    visible = Review.objects.filter(shop_id=shop_id, is_hidden=False)
    row = visible.aggregate(shop=Avg("rating"), product=Avg("rating", filter=Q(product_id=product_id)))
    if product_id is not None:
        product_rating_set(product_id, _average(row["product"]))
    shop_rating_set(shop_id, _average(row["shop"]))
    bump(CATALOG, SHOPS)  # the reviews lists (productReviews, shopReviews) change with the averages


def _rating(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise DomainError(_("Give between 1 and 5 stars."), ReviewErrorCode.INVALID, field="rating")
    return value


def review_create(author, order_line: OrderLine, *, rating: int, text: str = "") -> Review:
    """One review per delivered line, by the order's buyer only."""
    line = OrderLine.objects.select_related("order", "variant").filter(pk=order_line.pk).first()
    if line is None or not review_is_line_buyer(author, line):
        # Another buyer's line looks the same as a missing one.
        raise DomainError(_("Order line not found."), ReviewErrorCode.NOT_FOUND, field="orderLine")
    if not review_line_delivered(line):
        raise DomainError(
            _("You can review an item once it has been delivered."), ReviewErrorCode.NOT_DELIVERED, field="orderLine"
        )
    order = line.order
    rating = _rating(rating)
    text = (text or "").strip()
    if len(text) > TEXT_MAX:
        raise DomainError(
            _("A review is at most %(max)s characters.") % {"max": TEXT_MAX}, ReviewErrorCode.INVALID, field="text"
        )
    if not allowance_take("review", author.pk, settings.REVIEWS_PER_USER_PER_HOUR, 3600):
        # issue 13: a flood of reviews would swamp the shops' ratings
        raise DomainError(
            _("You have written too many reviews in the last hour: try again later."), ReviewErrorCode.RATE_LIMITED
        )
    product_id = line.variant.product_id if line.variant is not None else None
    try:
        with transaction.atomic():
            _shop_lock(order.shop_id)
            if Review.objects.filter(order_line=line).exists():
                raise DomainError(
                    _("You have already reviewed this item."), ReviewErrorCode.ALREADY_REVIEWED, field="orderLine"
                )
            review = Review.objects.create(
                order_line=line,
                shop_id=order.shop_id,
                product_id=product_id,
                user=author,
                product_name=line.product_name,
                variant_name=line.variant_name,
                rating=rating,
                text=text,
            )
            _ratings_refresh(order.shop_id, product_id)
            if order.reseller_shop_id is not None:
                # Bought through a distributor (issue 16): the review reaches its shop too.
                shop_notice_send(
                    order.reseller_shop,
                    kind="review_received",
                    message=_("A %(rating)s-star review of %(product)s, sold in your shop (order #%(number)s).")
                    % {"rating": rating, "product": line.product_name, "number": order.number},
                    data={"review": review.pk, "order": order.pk},
                )
    except IntegrityError:
        # A concurrent request won the race for the unique constraint.
        raise DomainError(
            _("You have already reviewed this item."), ReviewErrorCode.ALREADY_REVIEWED, field="orderLine"
        ) from None
    return review


def review_hide(review: Review, *, actor, reason: str) -> Review:
    """Take an abusive review out of sight and out of the shop's and product's averages."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for hiding this review."), ReviewErrorCode.REQUIRED, field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(
            _("The reason is at most %(max)s characters.") % {"max": REASON_MAX},
            ReviewErrorCode.INVALID,
            field="reason",
        )
    with transaction.atomic():
        _shop_lock(review.shop_id)
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if locked.is_hidden:
            raise DomainError(_("This review is already hidden."), ReviewErrorCode.ALREADY_HIDDEN, field="id")
        locked.is_hidden = True
        locked.hidden_reason = reason
        locked.hidden_by = actor if isinstance(actor, get_user_model()) else None  # an App is named in the audit row
        locked.hidden_at = timezone.now()
        locked.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at", "updated_at"])
        _ratings_refresh(locked.shop_id, locked.product_id)
        audit_record("review.hidden", actor=actor, target=locked, data={"reason": reason, "rating": locked.rating})
    return locked
