"""Review reads: the visible reviews of a product or a shop, newest first."""

from __future__ import annotations

from django.db.models import QuerySet

from marketplace.reviews.models import Review


def review_list_visible() -> QuerySet[Review]:
    return Review.objects.filter(is_hidden=False).select_related("user")


def review_list_for_product(product_id: int) -> QuerySet[Review]:
    return review_list_visible().filter(product_id=product_id)


def review_list_for_shop(shop_id: int) -> QuerySet[Review]:
    return review_list_visible().filter(shop_id=shop_id)


def review_get(review_id: int) -> Review | None:
    return Review.objects.filter(pk=review_id).first()


def author_display(user) -> str:
    """How a reviewer is shown in public: family name or masked phone, never the whole identity."""
    if user is None:
        return ""
    if user.last_name:
        return f"{user.last_name}**"
    if user.phone:
        digits = user.phone[-11:]
        return f"{digits[:3]}****{digits[-4:]}"
    return ""
