"""Units held for a buyer while shopping (settings.CHECKOUT_RESERVATION_MINUTES; 0 turns it off).

Called with the checkout row already locked; locks the variant's stock rows (ascending pk),
checks what other checkouts and orders leave free, and rewrites this line's reservations.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from django.utils import timezone

from marketplace.checkout.availability import candidate_stocks_query, reserved_by_others, stock_free
from marketplace.checkout.error_codes import CheckoutErrorCode
from marketplace.checkout.models import CheckoutLine, Reservation
from marketplace.inventory.allocation import stocks_lock
from meidu.core.errors import DomainError


def reservation_minutes() -> int:
    return int(getattr(settings, "CHECKOUT_RESERVATION_MINUTES", 0) or 0)


def free_units(variant, checkout_token, collection_point=None) -> tuple[int, list]:
    """Units of ``variant`` this checkout may still take, and the (locked) stocks holding them."""
    stocks = stocks_lock(candidate_stocks_query([variant.pk], collection_point))
    reserved = reserved_by_others([stock.pk for stock in stocks], checkout_token)
    return sum(stock_free(stock, reserved) for stock in stocks), [(stock, stock_free(stock, reserved)) for stock in stocks]


def line_reserve(line: CheckoutLine, collection_point=None) -> None:
    """Check the line's quantity is free and (when reservations are on) hold it."""
    variant = line.variant
    if not variant.track_inventory:
        return
    available, stocks = free_units(variant, line.checkout_id, collection_point)
    if line.quantity > available:
        raise DomainError(
            f"Only {available} of {variant.sku} left", CheckoutErrorCode.INSUFFICIENT_STOCK, field="quantity"
        )
    minutes = reservation_minutes()
    Reservation.objects.filter(checkout_line=line).delete()
    if not minutes:
        return
    until = timezone.now() + timedelta(minutes=minutes)
    wanted, rows = line.quantity, []
    for stock, free in sorted(stocks, key=lambda pair: -pair[1]):
        take = min(wanted, free)
        if take:
            rows.append(Reservation(checkout_line=line, stock=stock, quantity=take, reserved_until=until))
            wanted -= take
        if not wanted:
            break
    Reservation.objects.bulk_create(rows)


def reservations_expire_before(moment) -> int:
    """Housekeeping: drop reservations that ended (they are already ignored)."""
    deleted, _ = Reservation.objects.filter(reserved_until__lte=moment).delete()
    return deleted



