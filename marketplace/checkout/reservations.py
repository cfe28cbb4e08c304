"""Units held for a buyer while shopping (settings.CHECKOUT_RESERVATION_MINUTES; 0 turns it off).

Called with the checkout row already locked; for an anonymous checkout takes its client's
transaction lock (issue 13); locks the variant's stock rows (ascending pk), checks what other
checkouts and orders leave free, and rewrites this line's reservations.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.checkout.availability import candidate_stocks_query, reserved_by_others, stock_free
from marketplace.checkout.error_codes import CheckoutErrorCode
from marketplace.checkout.models import CheckoutLine, Reservation
from marketplace.inventory.allocation import stocks_lock
from marketplace.orders.selectors import presale_campaign_sold
from marketplace.presale.selectors import open_campaigns_for
from meidu.core.cache_versions import STOCK, bump
from meidu.core.errors import DomainError


def reservation_minutes() -> int:
    return int(getattr(settings, "CHECKOUT_RESERVATION_MINUTES", 0) or 0)


def free_units(variant, checkout_token, collection_point=None) -> tuple[int, list]:
    """Units of ``variant`` this checkout may still take, and the (locked) stocks holding them."""
    stocks = stocks_lock(candidate_stocks_query([variant.pk], collection_point))
    reserved = reserved_by_others([stock.pk for stock in stocks], checkout_token)
    return sum(stock_free(stock, reserved) for stock in stocks), [
        (stock, stock_free(stock, reserved)) for stock in stocks
    ]


def stocks_prelock(checkout, variants) -> None:
    """Lock the stocks of every variant a request reserves, at once and in ascending pk, before its
    lines are reserved one by one (each line locks its own variant's stocks). Two variants' stocks
    locked in the request's line order would meet another buyer's request or checkoutComplete (which
    allocates in ascending pk) in the opposite order and deadlock. The client's lock of an anonymous
    checkout comes first (the order ``_anonymous_hold_check`` documents: checkout, client, stock). One
    variant needs nothing: its stocks are locked by one statement in ascending pk anyway."""
    tracked = sorted({variant.pk for variant in variants if variant.track_inventory})
    if len(tracked) < 2:
        return
    if reservation_minutes():
        _client_lock(checkout)
    stocks_lock(Q(variant_id__in=tracked))


def _client_lock(checkout) -> bool:
    """Take the transaction lock of an anonymous checkout's client address (issue 13's limit); whether
    the checkout is limited by it."""
    limit = int(getattr(settings, "CHECKOUT_ANONYMOUS_RESERVED_UNITS", 0) or 0)
    if checkout.user_id is not None or not limit:
        return False
    if checkout.client_address:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"checkout-anonymous:{checkout.client_address}"]
            )
    return True


def _anonymous_hold_check(line: CheckoutLine) -> None:
    """Issue 13: the anonymous checkouts of one client address together hold at most
    CHECKOUT_ANONYMOUS_RESERVED_UNITS units (a checkout without an address, on its own), so a script
    cannot hold a product's whole stock by opening checkouts; a signed-in buyer is not limited. The
    client's reservations are counted under a transaction lock on its address, taken after the
    checkout row and before any stock row, so two of its requests cannot both slip under the limit."""
    checkout = line.checkout
    if not _client_lock(checkout):
        return
    limit = int(settings.CHECKOUT_ANONYMOUS_RESERVED_UNITS)
    if checkout.client_address:
        client = Q(
            checkout_line__checkout__user__isnull=True, checkout_line__checkout__client_address=checkout.client_address
        )
    else:
        client = Q(checkout_line__checkout_id=checkout.pk)
    held = (
        Reservation.objects.filter(client, reserved_until__gt=timezone.now())
        .exclude(checkout_line_id=line.pk)
        .aggregate(total=Sum("quantity"))["total"]
        or 0
    )
    if held + line.quantity > limit:
        raise DomainError(
            _("Without an account you may hold %(limit)s units at a time (%(held)s held now): sign in to hold more")
            % {"limit": limit, "held": held},
            CheckoutErrorCode.RESERVATION_LIMIT,
            field="quantity",
        )


def line_reserve(
    line: CheckoutLine, collection_point=None, *, held: bool = True, campaigns: dict | None = None
) -> None:
    """Check the line's quantity is free and (when reservations are on) hold it. ``held=False``: the line
    was created in this transaction, so it has no hold to drop first. ``campaigns``: the open pre-sale
    campaigns of the request's variants in the checkout's channel (open_campaigns_for), read once for all
    its lines; None reads this line's."""
    variant = line.variant
    if campaigns is None:
        campaigns = open_campaigns_for([variant.pk], line.checkout.channel)
    campaign = campaigns.get(variant.pk)
    if campaign is not None:
        left = campaign.expected_quantity - presale_campaign_sold(campaign)
        if line.quantity > left:
            raise DomainError(
                _("Only %(count)s of %(sku)s left in this pre-sale") % {"count": left, "sku": variant.sku},
                CheckoutErrorCode.INSUFFICIENT_STOCK,
                field="quantity",
            )
        return
    if not variant.track_inventory:
        return
    minutes = reservation_minutes()
    if minutes:
        _anonymous_hold_check(line)
    available, stocks = free_units(variant, line.checkout_id, collection_point)
    if line.quantity > available:
        raise DomainError(
            _("Only %(count)s of %(sku)s left") % {"count": available, "sku": variant.sku},
            CheckoutErrorCode.INSUFFICIENT_STOCK,
            field="quantity",
        )
    if held:
        Reservation.objects.filter(checkout_line=line).delete()
        # Other buyers' quantityAvailable counts the units reservations hold: cached answers showing it
        # are read afresh once this commits.
        bump(STOCK)
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
    bump(STOCK)


def reservations_expire_before(moment) -> int:
    """Housekeeping: drop reservations that ended (they are already ignored)."""
    deleted, _rows = Reservation.objects.filter(reserved_until__lte=moment).delete()
    return deleted
