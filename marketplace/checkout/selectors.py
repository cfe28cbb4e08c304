"""The checkout as buyers and the API see it: lines priced in the channel, grouped by shop,
with each shop's delivery and its fee. Built in a fixed number of queries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Exists, FilteredRelation, OuterRef, Q, Subquery, TextField, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from marketplace.catalog.models import ProductMedia, SoldBy
from marketplace.checkout.hooks import ResaleTerms
from marketplace.checkout.models import Checkout, CheckoutDelivery, CheckoutLine
from marketplace.inventory.models import Warehouse
from marketplace.orders.selectors import orders_of_checkout
from marketplace.payments.hooks import PaymentSource
from marketplace.presale.models import CampaignStatus, PresaleCampaign
from marketplace.presale.selectors import deposit_of, open_campaigns_for
from marketplace.shipping.selectors import ShippingQuote, shipping_methods_of_shops, shipping_quote
from meidu.core.money import quantize
from meidu.core.queries import one_or_none
from meidu.core.sql.compiled import CompiledQuery

DEFAULT_UNIT_GRAMS = {"jin": 500, "kg": 1000}


@dataclass
class LineInfo:
    line: CheckoutLine
    product_listing: object | None
    variant_listing: object | None
    campaign: object | None = None  # an open harvest pre-sale: only the deposit is due now
    resale: ResaleTerms | None = None  # a reseller's live terms, read under lock at completion only

    @property
    def variant(self):
        return self.line.variant

    @property
    def unit_price(self) -> Decimal | None:
        """The reseller's retail price for a line bought through a distributor, else the channel price."""
        if self.line.reseller_shop_id is not None:
            return self.line.retail_unit_price_amount
        return self.variant_listing.price_amount if self.variant_listing else None

    @property
    def total(self) -> Decimal:
        return quantize((self.unit_price or Decimal(0)) * self.line.quantity)

    @property
    def due_now(self) -> Decimal:
        if self.campaign is None:
            return self.total
        return deposit_of(self.total, self.campaign)

    @property
    def after_harvest(self) -> Decimal:
        """The balance of a pre-sale line, paid once the harvest is in (0 for other lines)."""
        return self.total - self.due_now

    @property
    def sold_by_weight(self) -> bool:
        return self.variant.product.product_type.sold_by == SoldBy.WEIGHT

    @property
    def weight_grams(self) -> int:
        per_unit = self.variant.weight_grams
        if per_unit is None and self.sold_by_weight:
            per_unit = DEFAULT_UNIT_GRAMS.get(self.variant.product.weight_unit, 500)
        return (per_unit or 0) * self.line.quantity


@dataclass
class ShopGroup:
    """One future order: a seller shop's lines, bought directly or through one reseller (``reseller``:
    the distributor's shop, issue 16). A shop's delivery choice applies to all its groups."""

    shop: object
    lines: list[LineInfo] = field(default_factory=list)
    reseller: object | None = None
    delivery: CheckoutDelivery | None = None
    shipping_methods: list = field(default_factory=list)
    quote: ShippingQuote | None = None

    @property
    def subtotal(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal("0.00"))

    @property
    def weight_grams(self) -> int:
        return sum(line.weight_grams for line in self.lines)

    @property
    def is_shipping_required(self) -> bool:
        return any(line.variant.product.product_type.is_shipping_required for line in self.lines)

    @property
    def shipping_price(self) -> Decimal:
        return self.quote.price if self.quote else Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping_price

    @property
    def due_now(self) -> Decimal:
        """What the buyer pays at checkout: everything, except the balance of pre-sale lines."""
        return sum((line.due_now for line in self.lines), Decimal("0.00")) + self.shipping_price

    @property
    def has_delivery(self) -> bool:
        if not self.is_shipping_required:
            return True
        if self.delivery is None:
            return False
        return self.delivery.collection_point_id is not None or self.quote is not None


@dataclass
class CheckoutInfo:
    checkout: Checkout
    lines: list[LineInfo]
    groups: list[ShopGroup]

    @property
    def currency(self) -> str:
        return self.checkout.channel.currency_code

    @property
    def subtotal(self) -> Decimal:
        return sum((group.subtotal for group in self.groups), Decimal("0.00"))

    @property
    def shipping_price(self) -> Decimal:
        return sum((group.shipping_price for group in self.groups), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping_price

    @property
    def due_now(self) -> Decimal:
        return sum((group.due_now for group in self.groups), Decimal("0.00"))

    @property
    def after_harvest(self) -> Decimal:
        """What pre-sale lines leave for after the harvest: the total less what is due now."""
        return self.total - self.due_now

    @property
    def quantity(self) -> int:
        return sum(info.line.quantity for info in self.lines)

    def group_for(self, shop_id: int) -> ShopGroup | None:
        return next((group for group in self.groups if group.shop.pk == shop_id), None)


CHECKOUT_RELATED = ("channel", "user", "shipping_address__village", "billing_address")


_checkout_by_token = CompiledQuery(
    lambda token: Checkout.objects.select_related(*CHECKOUT_RELATED).filter(pk=token).order_by()[:1], token=uuid.UUID
)


def checkout_get(token) -> Checkout | None:
    """The checkout with its channel, user and addresses; compiled once per process (the request that
    names a checkout reads it first: Django spent ~1 ms compiling this five-table select each time)."""
    try:
        token = token if isinstance(token, uuid.UUID) else uuid.UUID(str(token))
    except ValueError:  # not a token: the ORM says what it says about it
        return one_or_none(Checkout.objects.select_related(*CHECKOUT_RELATED).filter(pk=token))
    return next(iter(_checkout_by_token(token=token)), None)


def checkout_visible_to(checkout: Checkout, user) -> bool:
    """A checkout that belongs to a user is hidden from other logged-in users (its ID is the buyer's secret,
    as in Saleor; an anonymous request holding it may use it)."""
    return not (checkout.user_id and getattr(user, "is_authenticated", False) and user.pk != checkout.user_id)


def _lines_query(token, channel_id):
    first_thumbnail = (
        ProductMedia.objects.filter(product_id=OuterRef("variant__product_id"))
        .order_by("sort_order", "pk")
        .values(name=KT("renditions__thumbnail"))[:1]
    )
    presale = PresaleCampaign.objects.filter(
        variant_id=OuterRef("variant_id"), channel_id=channel_id, status=CampaignStatus.OPEN
    )
    return (
        CheckoutLine.objects.filter(checkout_id=token)
        .annotate(
            product_listing_row=FilteredRelation(
                "variant__product__channel_listings",
                condition=Q(variant__product__channel_listings__channel_id=channel_id),
            ),
            variant_listing_row=FilteredRelation(
                "variant__channel_listings", condition=Q(variant__channel_listings__channel_id=channel_id)
            ),
            thumbnail_name=Coalesce(Subquery(first_thumbnail), Value(""), output_field=TextField()),
            on_presale=Exists(presale),
        )
        .select_related(
            "variant__product__shop",
            "variant__product__product_type",
            "reseller_shop",
            "product_listing_row",
            "variant_listing_row",
        )
        .order_by("pk")
    )


_lines = CompiledQuery(_lines_query, token=uuid.UUID, channel_id=int)
_deliveries = CompiledQuery(
    lambda token: CheckoutDelivery.objects.filter(checkout_id=token).select_related(
        "shipping_method", "collection_point"
    ),
    token=uuid.UUID,
)


def checkout_lines(checkout: Checkout) -> list[CheckoutLine]:
    """The lines with their variant, product, shop and type, the product's and the variant's
    listing in the checkout's channel (``product_listing`` / ``variant_listing``, None when not listed),
    the file name of the product's first photo's thumbnail (``thumbnail_name``, "" without photos) and
    whether the variant has an open pre-sale in the channel (``on_presale``), in one query."""
    lines = _lines(token=checkout.pk, channel_id=checkout.channel_id)
    for line in lines:
        line.checkout = checkout
        line.product_listing = (
            line.product_listing_row if line.product_listing_row and line.product_listing_row.pk else None
        )
        line.variant_listing = (
            line.variant_listing_row if line.variant_listing_row and line.variant_listing_row.pk else None
        )
    return lines


def checkout_info(checkout: Checkout, *, with_shipping_methods: bool = True) -> CheckoutInfo:
    """Lines, prices, groups by shop and their delivery fees (three to five queries). Completion, which
    needs only the chosen methods, skips each shop's list of methods (``with_shipping_methods``)."""
    lines = checkout_lines(checkout)
    on_presale = [line.variant_id for line in lines if line.on_presale]
    campaigns = open_campaigns_for(on_presale, checkout.channel) if on_presale else {}
    infos = [
        LineInfo(line, line.product_listing, line.variant_listing, campaigns.get(line.variant_id)) for line in lines
    ]
    groups: dict[tuple[int, int | None], ShopGroup] = {}
    for info in infos:
        shop = info.variant.product.shop
        key = (shop.pk, info.line.reseller_shop_id)
        groups.setdefault(key, ShopGroup(shop=shop, reseller=info.line.reseller_shop)).lines.append(info)
    if groups:
        deliveries = {delivery.shop_id: delivery for delivery in _deliveries(token=checkout.pk)}
        shops = {shop_id: group.shop for (shop_id, _reseller), group in groups.items()}
        methods = shipping_methods_of_shops(shops) if with_shipping_methods else {}
        for (shop_id, _reseller), group in groups.items():
            group.delivery = deliveries.get(shop_id)
            group.shipping_methods = methods.get(shop_id, [])
            method = group.delivery.shipping_method if group.delivery else None
            if method is not None:
                group.quote = shipping_quote(
                    method, checkout.shipping_address, weight_grams=group.weight_grams, subtotal=group.subtotal
                )
    return CheckoutInfo(checkout=checkout, lines=infos, groups=list(groups.values()))


def checkout_info_keep(checkout: Checkout, info: CheckoutInfo) -> CheckoutInfo:
    """Remember ``info`` on this checkout object as its state after the write that computed it, so the
    answer of the same request (the API's checkout fields) reads it instead of computing it again: the
    lines, deliveries and methods queries and the quotes (a write that changes what ``info`` holds after
    computing it updates it first, as the address and delivery services do)."""
    checkout._checkout_info = info  # type: ignore[attr-defined]
    return info


def checkout_info_kept(checkout: Checkout) -> CheckoutInfo | None:
    """What ``checkout_info_keep`` remembered on this object (None: compute it)."""
    return getattr(checkout, "_checkout_info", None)


def shipping_quotes_for(group: ShopGroup, address) -> list[ShippingQuote]:
    quotes = [
        shipping_quote(method, address, weight_grams=group.weight_grams, subtotal=group.subtotal)
        for method in group.shipping_methods
    ]
    return [quote for quote in quotes if quote is not None]


def collection_points_for(group: ShopGroup) -> list[Warehouse]:
    """The shop's own pickup points (a farmer's home, a store) first, then every village station
    (stations take any shop's parcels): the seller's own place is not lost below the stations."""
    return list(
        Warehouse.objects.filter(is_pickup_point=True)
        .filter(Q(shop_id=group.shop.pk) | Q(kind="station"))
        .select_related("village__town", "shop")
        .order_by(Case(When(shop_id=group.shop.pk, then=Value(0)), default=Value(1)), "pk")
    )


def checkout_payment_source(token) -> PaymentSource | None:
    """What the payments layer needs to know about a checkout (or the orders it became); the
    ``payment_source`` hook's subscriber (meidu/wiring.py)."""
    checkout = checkout_get(token)
    if checkout is not None:
        # the amount due needs the chosen methods' quotes only, not each shop's list of methods
        info = checkout_info(checkout, with_shipping_methods=False)
        return PaymentSource(
            token=checkout.pk,
            channel_slug=checkout.channel.slug,
            currency=info.currency,
            total=info.due_now,
            user_id=checkout.user_id,
            email=checkout.email,
            is_completed=False,
            shops=max(1, len(info.groups)),
        )

    orders = orders_of_checkout(token)
    if not orders:
        return None
    first = orders[0]
    return PaymentSource(
        token=first.checkout_token,
        channel_slug=first.channel.slug,
        currency=first.currency,
        total=sum((order.total_amount for order in orders if order.status != "canceled"), Decimal("0.00")),
        user_id=first.user_id,
        email=first.user_email,
        is_completed=True,
        shops=len(orders),
    )


def checkout_get_for_user(user, channel) -> Checkout | None:
    """The user's newest checkout of ``channel`` (the storefront's cart), with channel, user and the shipping
    address's village and town joined."""
    return (
        Checkout.objects.select_related("channel", "user", "shipping_address__village__town")
        .filter(user=user, channel=channel)
        .order_by("-updated_at")
        .first()
    )


def checkout_line_quantity_rows_for_user(user):
    """(checkout token, channel slug, line quantity) of every line of the user's checkouts, newest checkout
    first; a checkout without lines gives one row with quantity None."""
    return (
        Checkout.objects.filter(user=user).order_by("-updated_at").values_list("pk", "channel__slug", "lines__quantity")
    )


def checkout_line_get(checkout: Checkout, line_id) -> CheckoutLine | None:
    """A line of this checkout with its variant and product joined, else None."""
    return CheckoutLine.objects.select_related("variant__product").filter(checkout=checkout, pk=line_id).first()


def checkout_has_lines(checkout: Checkout) -> bool:
    return CheckoutLine.objects.filter(checkout=checkout).exists()
