"""The data each load mix needs, read from (and added to) a database seeded with `meidu seed --products N`,
through the services; returned as plain JSON for the locustfiles (LOAD_FIXTURE). Also the checks made
against the database after a run (the checkout mix: nothing oversold, allocations = what was ordered).

Imported by benchmarks/http_load.py after Django is set up; never by a locustfile."""

from __future__ import annotations

import random
import time

from graphql_relay import to_global_id

SEARCH_WORDS = ["南果梨", "大米", "玉米", "苹果", "蜂蜜", "木耳", "猪肉", "鸡蛋", "小米", "土豆", "梨", "酸菜"]


def browsing(sample: int = 1000) -> dict:
    """Published products of the rural channel (the demo's and a sample of the bulk ones), the categories
    that hold them, and search words that find some of them."""
    from marketplace.catalog.models import Category, Product

    visible = Product.objects.filter(channel_listings__channel__slug="rural", channel_listings__is_published=True)
    demo = list(visible.exclude(variants__sku__startswith="BULK-").values_list("slug", flat=True)[:sample])
    bulk = list(visible.filter(variants__sku__startswith="BULK-").values_list("slug", flat=True)[:sample])
    categories = [
        {"slug": slug, "id": to_global_id("Category", pk)}
        for pk, slug in Category.objects.filter(products__in=visible).distinct().values_list("pk", "slug")
    ]
    if not demo or not categories:
        raise SystemExit("no published rural products: seed the database first (meidu seed --products N)")
    words = [w for w in SEARCH_WORDS if visible.filter(name__contains=w).exists()] or ["梨"]
    # three demo product pages for one bulk one: the demo catalogue is what people look at
    return {"products": demo * 3 + bulk, "categories": categories, "words": words}


def checkout(buyers: int, hot_products: int, units: int) -> dict:
    """`buyers` new buyers with access tokens; `hot_products` published rural products of demo shops that
    deliver in the county, each variant's first stock raised by `units` (enough for the run); the stock
    rows as they were before, for the oversold check."""
    from django.db.models import Exists, OuterRef

    from marketplace.catalog.models import ProductVariant
    from marketplace.inventory.models import Stock
    from marketplace.inventory.services import stock_update
    from marketplace.shipping.models import ShippingMethod
    from meidu.accounts.jwt import create_access_token
    from meidu.accounts.models import User
    from tests.marketplace.checkout.helpers import ADDRESS

    county = ShippingMethod.objects.filter(shop=OuterRef("product__shop"), kind="county", is_active=True)
    candidates = list(
        ProductVariant.objects.filter(
            Exists(county),
            product__channel_listings__channel__slug="rural",
            product__channel_listings__is_published=True,
            channel_listings__channel__slug="rural",
            stocks__isnull=False,
        )
        .exclude(sku__startswith="BULK-")
        .select_related("product__shop")
        .distinct()
        .order_by("pk")
    )
    if not candidates:
        raise SystemExit("no rural product of a shop with county delivery: seed the database first (meidu seed)")
    chosen = random.Random(7).sample(candidates, min(hot_products, len(candidates)))
    shops: dict[int, dict] = {}
    for variant in chosen:
        stock = Stock.objects.filter(variant=variant).select_related("warehouse").order_by("pk").first()
        stock_update(stock.warehouse, variant, actor=None, quantity=stock.quantity + units, note="HTTP load test")
        shop = shops.setdefault(variant.product.shop_id, {"shop": variant.product.shop.name, "variants": []})
        shop["variants"].append(to_global_id("ProductVariant", variant.pk))
    run = int(time.time()) % 10**6
    users = [User.objects.create_user(phone=f"+86139{run:06d}{n:03d}", password=None) for n in range(buyers)]
    stocks = {
        stock.pk: [stock.quantity, stock.quantity_allocated] for stock in Stock.objects.filter(variant__in=chosen)
    }
    return {
        "buyers": [create_access_token(user) for user in users],
        "buyer_ids": [user.pk for user in users],
        "shops": list(shops.values()),
        "variant_ids": [variant.pk for variant in chosen],
        "stocks_before": stocks,
        "address": {
            "firstName": ADDRESS["first_name"],
            "lastName": ADDRESS["last_name"],
            "streetAddress1": ADDRESS["street_address_1"],
            "city": ADDRESS["city"],
            "cityArea": ADDRESS["city_area"],
            "countryArea": ADDRESS["country_area"],
            "phone": ADDRESS["phone"],
            "country": ADDRESS["country"],
        },
    }


def checkout_check(fixture: dict) -> dict:
    """After a checkout run: the hot stocks never negative nor over-allocated, the units allocated since
    the preparation = the allocations of the run's orders = their lines' quantities, and the orders."""
    from django.db.models import Sum

    from marketplace.inventory.models import Stock
    from marketplace.orders.models import Allocation, Order, OrderLine

    orders = Order.objects.filter(user_id__in=fixture["buyer_ids"])
    stocks = list(Stock.objects.filter(variant_id__in=fixture["variant_ids"]))
    before = {int(pk): value for pk, value in fixture["stocks_before"].items()}
    allocated_delta = sum(s.quantity_allocated - before.get(s.pk, [0, 0])[1] for s in stocks)
    allocations = (
        Allocation.objects.filter(order_line__order__in=orders).aggregate(n=Sum("quantity_allocated"))["n"] or 0
    )
    ordered = OrderLine.objects.filter(order__in=orders).aggregate(n=Sum("quantity"))["n"] or 0
    oversold = sum(max(0, s.quantity_allocated - s.quantity) for s in stocks)
    negative = sum(1 for s in stocks if s.quantity < 0 or s.quantity_allocated < 0)
    return {
        "orders": orders.count(),
        "units_ordered": ordered,
        "units_allocated_since_preparation": allocated_delta,
        "allocations_of_the_orders": allocations,
        "oversold": oversold,
        "negative_stocks": negative,
        "consistent": oversold == 0 and negative == 0 and allocated_delta == allocations == ordered,
    }


def trader(traders: int, auctions: int = 3, listings: int = 3) -> dict:
    """Funded traders with tokens (as benchmarks/exchange_service.py sets a bidder up), open-book sale
    auctions of 100,000 t ending in ten hours with the reserve 5% under today's reference price (the demo's
    market data sets one: bids must stay inside its daily limit), and sell listings of 100,000 t at the
    reference price, picked 10 t at a time."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone
    from exchange_service import REFERENCE
    from exchange_service import _prepare as prepare_bidders

    from magnesium_exchange.members.services import member_credit_config_set
    from magnesium_exchange.trading.facts import reference_price
    from magnesium_exchange.trading.services import auction_open, listing_open
    from tests.magnesium_exchange.records_factories import issue

    seller, _members, tokens, warehouse, fused, keeper = prepare_bidders(traders)
    # The seller stands for the county's big producer: every pick of the run trades with it, so its
    # default caps (20,000 t, 10 M CNY of open contracts) would refuse the mix after ~400 picks and
    # measure EXPOSURE_CAP_EXCEEDED refusals instead of trades. Operators raise a producer's caps so.
    member_credit_config_set(
        seller, exposure_cap=Decimal("1000000000000.00"), exposure_cap_tonnes=Decimal("10000000000.000")
    )
    opened, posted, reserve = [], [], None
    for n in range(auctions + listings):
        receipt = issue(warehouse, fused, seller, net="100000.000", actor=keeper)
        reference = reference_price(receipt.grade, REFERENCE)
        reserve = int(reference * Decimal("0.95"))
        if n < auctions:
            now = timezone.now()
            opened.append(
                auction_open(
                    member=seller,
                    grade=receipt.grade,
                    receipts=[receipt],
                    reserve_price=Decimal(reserve),
                    starts_at=now - timedelta(seconds=1),
                    ends_at=now + timedelta(hours=10),
                    min_bid_quantity=Decimal("10"),
                    reference_price_fallback=REFERENCE,
                )
            )
        else:
            posted.append(
                listing_open(
                    member=seller,
                    grade=receipt.grade,
                    price=int(reference),
                    receipts=[receipt],
                    min_pick=Decimal("10"),
                    step=Decimal("10"),
                    reference_price_fallback=REFERENCE,
                )
            )
    return {
        "traders": tokens,
        "reserve": reserve,
        "auctions": [to_global_id("ExchangeAuction", str(a.pk)) for a in opened],
        "auction_ids": [a.pk for a in opened],
        "listings": [to_global_id("ExchangeListing", str(listing.pk)) for listing in posted],
    }


def trader_check(fixture: dict) -> dict:
    """Every auction of the run rebuilt from its journal equals its row (exchange_service's check)."""
    from exchange_service import _consistent

    from magnesium_exchange.trading.models import Auction

    auctions = list(Auction.objects.filter(pk__in=fixture["auction_ids"]))
    return {"auctions_consistent": all(_consistent(a) for a in auctions), "bids": sum(a.bid_count for a in auctions)}


def bank(receipts: int = 200) -> dict:
    """Receipts to verify (the demo's, topped up by benchmarks/receipt_verify.py's seeding) and the tokens
    of the demo banks' officers."""
    from receipt_verify import _seed

    from magnesium_exchange.financing.models import BankOfficer
    from magnesium_exchange.warehouses.models import Receipt
    from meidu.accounts.jwt import create_access_token

    pairs = _seed(receipts) + list(
        Receipt.objects.exclude(warehouse__code="BV01").values_list("number", "verification_code")[:receipts]
    )
    officers = [create_access_token(o.user) for o in BankOfficer.objects.filter(is_active=True).select_related("user")]
    return {"receipts": pairs, "officers": officers}
