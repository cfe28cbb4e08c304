"""Who may do what to a review, now: the one answer for the API (api.py) and the service.

Actors: the buyer of an order (a signed-in user) reviews its delivered lines; operators (users or
apps) holding MANAGE_REVIEWS hide abusive reviews and read why a review was hidden.
"""

from __future__ import annotations

from marketplace.orders.models import OrderLine
from meidu.core.permissions import ReviewPermissions
from meidu.integrations.services.apps import actor_has_permission

MANAGE = ReviewPermissions.MANAGE_REVIEWS


def review_is_line_buyer(actor, line: OrderLine) -> bool:
    """The signed-in buyer of the line's order (anyone else's line looks like a missing one)."""
    order = line.order
    return getattr(actor, "is_authenticated", False) and order.user_id == actor.pk


def review_line_delivered(line: OrderLine) -> bool:
    """A line is reviewed once the order was delivered and some of it shipped."""
    return line.order.delivered_at is not None and line.quantity_fulfilled != 0


def review_may_write(actor, line: OrderLine) -> bool:
    return review_is_line_buyer(actor, line) and review_line_delivered(line)


def review_may_moderate(actor) -> bool:
    """Hide a review, and read the reason a review was hidden."""
    return actor_has_permission(actor, MANAGE)
