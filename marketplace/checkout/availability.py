"""Whether a variant can be bought in a channel, and how many units a shop can still sell.

Available units of a stock = quantity − allocated − units reserved by *other* checkouts
whose reservation has not expired.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.catalog.models import ProductChannelListing, ProductVariant, ProductVariantChannelListing
from marketplace.checkout.error_codes import CheckoutErrorCode
from marketplace.inventory.allocation import stocks_allocate_free
from marketplace.inventory.models import Stock
from marketplace.shops.models import ShopStatus
from meidu.core.errors import DomainError
from meidu.core.sql.compiled import CompiledQuery, run_compiled_up_to


def purchase_refusal(
    variant: ProductVariant, channel, product_listing, variant_listing, now=None
) -> DomainError | None:
    """Why the variant cannot be bought in the channel now, or None."""
    now = now or timezone.now()
    shop = variant.product.shop
    field = "lines"
    if (
        product_listing is None
        or not product_listing.is_published
        or (product_listing.published_at and product_listing.published_at > now)
        or shop.status != ShopStatus.ACTIVE
        or shop.holiday_mode
    ):
        return DomainError(
            _("%(sku)s is not published in %(channel)s") % {"sku": variant.sku, "channel": channel.slug},
            CheckoutErrorCode.PRODUCT_NOT_PUBLISHED,
            field,
        )
    if variant_listing is None:
        return DomainError(
            _("%(sku)s has no price in %(channel)s") % {"sku": variant.sku, "channel": channel.slug},
            CheckoutErrorCode.UNAVAILABLE_VARIANT_IN_CHANNEL,
            field,
        )
    if product_listing.available_for_purchase_at is None or product_listing.available_for_purchase_at > now:
        return DomainError(
            _("%(sku)s cannot be bought yet") % {"sku": variant.sku},
            CheckoutErrorCode.PRODUCT_UNAVAILABLE_FOR_PURCHASE,
            field,
        )
    return None


def listings_for(variants, channel) -> tuple[dict, dict]:
    """(product listings by product id, variant listings by variant id) of the channel, two queries."""
    product_ids = sorted({variant.product_id for variant in variants})
    variant_ids = sorted({variant.pk for variant in variants})
    product_listings = {
        listing.product_id: listing
        for listing in run_compiled_up_to(_product_listings, 8, channel_id=channel.pk, ids=product_ids)
    }
    variant_listings = {
        listing.variant_id: listing
        for listing in run_compiled_up_to(_variant_listings, 8, channel_id=channel.pk, ids=variant_ids)
    }
    return product_listings, variant_listings


# compiled once per number of products or variants: checkoutCreate and every line change read them
_product_listings = CompiledQuery(
    lambda channel_id, ids: ProductChannelListing.objects.filter(channel_id=channel_id, product_id__in=ids),
    channel_id=int,
    ids=[int],
)
_variant_listings = CompiledQuery(
    lambda channel_id, ids: ProductVariantChannelListing.objects.filter(channel_id=channel_id, variant_id__in=ids),
    channel_id=int,
    ids=[int],
)


def reserved_by_others(stock_ids, checkout_token, now=None) -> dict[int, int]:
    from marketplace.checkout.models import Reservation

    now = now or timezone.now()
    rows = (
        Reservation.objects.filter(stock_id__in=list(stock_ids), reserved_until__gt=now)
        .exclude(checkout_line__checkout_id=checkout_token)
        .values("stock_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["stock_id"]: row["total"] for row in rows}


def reserved_by_others_subquery(checkout_token, now=None):
    """The units of the outer Stock row reserved by other checkouts, as an annotation (so the stock
    lock reads them in the same query)."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from marketplace.checkout.models import Reservation

    now = now or timezone.now()
    units = (
        Reservation.objects.filter(stock_id=OuterRef("pk"), reserved_until__gt=now)
        .exclude(checkout_line__checkout_id=checkout_token)
        .values("stock_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(units), 0)


def reserved_by_checkout_subquery(checkout_token, now=None):
    """The units of the outer Stock row this checkout holds, as an annotation: a completion serves
    its lines from them first, since nobody else can take them."""
    from marketplace.checkout.models import Reservation

    now = now or timezone.now()
    units = (
        Reservation.objects.filter(
            stock_id=OuterRef("pk"), reserved_until__gt=now, checkout_line__checkout_id=checkout_token
        )
        .values("stock_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(units), 0)


def reserved_elsewhere_sql(checkout_token) -> tuple[str, dict]:
    """The units live reservations of checkouts other than `checkout_token` hold on each of the stocks
    `%(ids)s` names, as SQL on the checkout's own tables (rows (stock_id, units)) with its named
    parameters: the part of the stock take (inventory.allocation.stocks_allocate_free) that is
    checkout's to say. Expiry is the database's clock."""
    from marketplace.checkout.models import CheckoutLine, Reservation

    sql = (
        f"SELECT r.stock_id, SUM(r.quantity) AS units "
        f"FROM {Reservation._meta.db_table} r JOIN {CheckoutLine._meta.db_table} l ON l.id = r.checkout_line_id "
        f"WHERE r.stock_id = ANY(%(ids)s::bigint[]) AND r.reserved_until > now() "
        f"AND l.checkout_id <> %(token)s GROUP BY r.stock_id"
    )
    return sql, {"token": checkout_token}


def stocks_take(wanted: dict[int, int], checkout_token, *, also: tuple = ()) -> list[tuple] | None:
    """Add the wanted units ({stock pk: units}) to the stocks' allocated units, if every stock still
    has them free (quantity − allocated − units other checkouts reserve); None (nothing changed) when
    any falls short. Inventory takes the stock (inventory.allocation.stocks_allocate_free: the lock
    statement, then the statement that re-checks and counts on a snapshot taken under the lock); the
    checkout says which units its reservations hold for others (`reserved_elsewhere_sql`). Every writer
    of allocations and reservations locks the stock rows first, so what the second statement reads
    stays true until the commit.
    Returns (pk, quantity, allocated after, low-stock threshold, warehouse pk, variant pk) per stock.
    `also`: inserts (meidu.core.sql.bulk.InsertPart) written by the same statement, such as the
    allocation and movement rows of these units; when a stock falls short they are written too and
    the caller's rollback removes them with the rest."""
    return stocks_allocate_free(wanted, held_elsewhere=reserved_elsewhere_sql(checkout_token), also=also)


def stock_free(stock: Stock, reserved: dict[int, int]) -> int:
    return max(0, stock.quantity - stock.quantity_allocated - reserved.get(stock.pk, 0))


def max_line_quantity() -> int:
    return int(getattr(settings, "CHECKOUT_MAX_LINE_QUANTITY", 50))


def stocks_sellable_prefetch(lookup: str = "stocks") -> Prefetch:
    """Prefetch of variants' stocks (``lookup`` ends in ``stocks``), each with the units live
    reservations hold on it (``reserved``, one subquery): variant_units_available then reads no more.
    Expiry is compared with the database's clock, so the object can be built once."""
    from marketplace.checkout.models import Reservation

    held = (
        Reservation.objects.filter(stock_id=OuterRef("pk"), reserved_until__gt=Now())
        .values("stock_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Prefetch(lookup, queryset=Stock.objects.annotate(reserved=Coalesce(Subquery(held), 0)).order_by("pk"))


def variant_units_available(variant) -> int:
    """What a buyer can put in a cart now (Saleor's quantityAvailable), the figure checkoutCreate
    applies: each stock's units less the allocated ones and those live reservations hold, capped at
    CHECKOUT_MAX_LINE_QUANTITY; an untracked variant, the cap. Reads stocks prefetched by
    stocks_sellable_prefetch (else one query for the reservations)."""
    cap = max_line_quantity()
    if not variant.track_inventory:
        return cap
    stocks = list(variant.stocks.all())
    if stocks and not hasattr(stocks[0], "reserved"):
        reserved = reserved_by_others([stock.pk for stock in stocks], checkout_token=None)
    else:
        reserved = {stock.pk: stock.reserved for stock in stocks}
    return min(cap, sum(stock_free(stock, reserved) for stock in stocks))


def candidate_stocks_query(variant_ids, collection_point=None) -> Q:
    """The stocks a line may be served from: its shop's warehouses, or only a store's own
    stock when collected at that store (a village station takes goods from any warehouse)."""
    condition = Q(variant_id__in=list(variant_ids))
    if collection_point is not None and collection_point.kind != "station":
        condition &= Q(warehouse=collection_point)
    return condition
