"""Bulk benchmark products: ``meidu seed --products N`` and benchmarks/products_query.py.

THIS BYPASSES THE SERVICES, FOR SPEED AND ONLY FOR BENCHMARK DATA. The demo catalogue
(marketplace/demo_data.py) goes through the services like any seller; here, to make 100,000
products in a few minutes, rows are written with ``bulk_create`` straight into the catalogue
and inventory tables: no audit events, no per-product image processing, no validation
beyond the database's constraints. Do not copy this pattern into application code.

What a bulk product gets, like a demo product: one variant (SKU ``BULK-000001`` ...), a
published and visible listing in one channel with a price and a cost price, stock in one of
its shop's warehouses with the matching ``received`` stock movement, and one media row that
reuses the renditions of a few already-processed photos (the demo's, else a handful
rendered once). Products are spread over the demo shops and their categories: every fifth
goes to the department store in channel "retail", the others round-robin over the farmer
microshops and cooperatives in channel "rural".

Idempotent-ish: ``bulk_seed_products(N)`` makes sure that N bulk products exist; it counts the
existing ``BULK-`` SKUs and continues the numbering from there, so a second run with the same N
adds nothing and a larger N tops up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone

from marketplace import demo_data
from marketplace.catalog.models import (
    Category,
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductVariant,
    ProductVariantChannelListing,
    WeightUnit,
)
from marketplace.channels.models import Channel
from marketplace.inventory.models import MovementKind, Stock, StockMovement, Warehouse
from marketplace.media.processing import process_image
from marketplace.shops.models import Shop, ShopKind, ShopStatus
from meidu.core.cache_versions import CATALOG, STOCK, bump

SKU_PREFIX = "BULK-"
SLUG_PREFIX = "bulk-"
MEDIA_POOL_SIZE = 6  # rendered once per top-level category when no demo photo can be reused
STORE_SHARE = 5  # every fifth product goes to the department store


@dataclass(frozen=True)
class _Template:
    name: str
    category_id: int
    category_root: str
    product_type_id: int
    price: Decimal
    grams: int | None
    variant_name: str


def bulk_seed_count() -> int:
    return ProductVariant.objects.filter(sku__startswith=SKU_PREFIX).count()


def _last_number() -> int:
    """The highest bulk number in use (numbering continues after it, even if some were deleted)."""
    last = (
        ProductVariant.objects.filter(sku__startswith=SKU_PREFIX)
        .order_by("-product_id")
        .values_list("sku", flat=True)
        .first()
    )
    try:
        return int(last[len(SKU_PREFIX) :]) if last else 0
    except ValueError:
        return bulk_seed_count()


def _templates(setup: dict) -> dict[str, list[_Template]]:
    """Product lines per shop kind, taken from the demo catalogue (names, categories, prices)."""
    categories, types = setup["categories"], setup["types"]

    def template(item, type_slug, variant_name):
        return _Template(
            name=item.name,
            category_id=categories[item.category].pk,
            category_root=demo_data.category_root_slug(item.category),
            product_type_id=types[type_slug].pk,
            price=Decimal(item.price),
            grams=item.grams or (500 if type_slug == "produce" else None),
            variant_name=variant_name,
        )

    return {
        ShopKind.STORE: [
            template(item, "appliance" if item.category.endswith("appliances") else "daily-goods", "")
            for item in demo_data.STORE_PRODUCTS
        ],
        ShopKind.MICROSHOP: [template(item, "produce", "1斤") for item in demo_data.PRODUCE.values()],
        ShopKind.COOPERATIVE: [
            template(item, "packaged-food", f"{item.jin}斤") for spec in demo_data.COOPERATIVES for item in spec.items
        ],
    }


def _media_pool(roots: set[str]) -> dict[str, list[dict]]:
    """Per top-level category, a few processed photos to share: (renditions, width, height, hash)."""
    pool: dict[str, list[dict]] = {root: [] for root in roots}
    rows = (
        ProductMedia.objects.exclude(product__slug__startswith=SLUG_PREFIX)
        .select_related("product__category")
        .order_by("id")
        .only("renditions", "width", "height", "content_hash", "product__category__slug")[:2000]
    )
    for media in rows:
        if media.product.category is None or not media.renditions:
            continue
        root = demo_data.category_root_slug(media.product.category.slug)
        if root in pool and len(pool[root]) < MEDIA_POOL_SIZE:
            pool[root].append(
                {
                    "renditions": media.renditions,
                    "width": media.width,
                    "height": media.height,
                    "content_hash": media.content_hash,
                }
            )
    missing = [root for root, photos in pool.items() if not photos]
    if missing:
        _render_pool(pool, missing)
    return pool


def _render_pool(pool: dict[str, list[dict]], roots: list[str]) -> None:
    """No demo photo to reuse for these categories: render and process a handful once."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    colours = {slug: colour for slug, _name, _parent, colour in demo_data.CATEGORIES if colour}
    names = {slug: name for slug, name, _parent, _colour in demo_data.CATEGORIES}
    for root in roots:
        for k in range(MEDIA_POOL_SIZE):
            card = demo_data.product_card(
                label=names[root], code=f"BULK-{root}-{k}", colour=colours[root], shape=demo_data.SHAPES[root]
            )
            processed = process_image(
                SimpleUploadedFile(f"bulk-{root}-{k}.jpg", card, content_type="image/jpeg"), basename=f"bulk-{root}-{k}"
            )
            pool[root].append(
                {
                    "renditions": processed.renditions,
                    "width": processed.width,
                    "height": processed.height,
                    "content_hash": processed.content_hash,
                }
            )


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def bulk_seed_products(count: int, *, batch_size: int = 2000, progress: bool = True, seed: int = 2026) -> int:
    """Make sure ``count`` bulk products exist (see the module docstring); returns how many were created."""
    existing = bulk_seed_count()
    to_create = max(count - existing, 0)
    if not to_create:
        return 0
    setup = demo_data.catalogue_setup()
    shops = list(
        Shop.objects.filter(
            status=ShopStatus.ACTIVE, kind__in=[ShopKind.STORE, ShopKind.MICROSHOP, ShopKind.COOPERATIVE]
        ).order_by("id")
    )
    stores = [shop for shop in shops if shop.kind == ShopKind.STORE]
    rural = [shop for shop in shops if shop.kind != ShopKind.STORE]
    if not rural:
        raise RuntimeError("Bulk products are spread over the demo shops: load the demo data first (`meidu seed`).")
    warehouses: dict[int, list[Warehouse]] = {}
    for warehouse in Warehouse.objects.filter(shop__in=shops).order_by("id"):
        warehouses.setdefault(warehouse.shop_id, []).append(warehouse)
    if any(shop.pk not in warehouses for shop in shops):
        raise RuntimeError("Every demo shop needs a warehouse: load the demo data first (`meidu seed`).")
    templates = _templates(setup)
    media_pool = _media_pool({template.category_root for lines in templates.values() for template in lines})
    channels = setup["channels"]
    first_number = _last_number() + 1
    rng = random.Random(seed + first_number)
    now = timezone.now()

    def plan(number: int):
        if stores and number % STORE_SHARE == 0:
            shop = stores[(number // STORE_SHARE) % len(stores)]
            channel = channels["retail"]
        else:
            ordinal = number - number // STORE_SHARE if stores else number  # consecutive over the rural numbers
            shop = rural[ordinal % len(rural)]
            channel = channels["rural"]
        lines = templates[shop.kind]
        template = lines[rng.randrange(len(lines))]
        return shop, channel, template

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=to_create, desc="Bulk products", unit="product", unit_scale=True)
    created = 0
    try:
        end = first_number + to_create
        for start in range(first_number, end, batch_size):
            numbers = range(start, min(start + batch_size, end))
            _create_batch([(number, *plan(number)) for number in numbers], warehouses, media_pool, rng, now)
            created += len(numbers)
            if bar is not None:
                bar.update(len(numbers))
    finally:
        if bar is not None:
            bar.close()
    catalogue_analyze()
    bump(CATALOG, STOCK)  # rows written in bulk, past the services: cached answers are read afresh
    return created


def catalogue_analyze() -> None:
    """Fresh planner statistics for the tables the storefront query reads. The small ones matter
    too: PostgreSQL never auto-analyzes a table under 50 rows (26 demo shops), and without
    statistics it guesses that one shop is active, which can flip the page query's plan."""
    if connection.vendor != "postgresql":
        return
    models = (
        Product,
        ProductVariant,
        ProductChannelListing,
        ProductVariantChannelListing,
        ProductMedia,
        Stock,
        StockMovement,
        Shop,
        Category,
        Channel,
    )
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def _create_batch(plans, warehouses, media_pool, rng: random.Random, now) -> None:
    with transaction.atomic():
        products = Product.objects.bulk_create(
            [
                Product(
                    shop=shop,
                    product_type_id=template.product_type_id,
                    category_id=template.category_id,
                    name=f"{template.name} {number:06d}",
                    slug=f"{SLUG_PREFIX}{number:06d}",
                    description=f"压测数据 {number}：{template.name}",
                    origin_village_id=shop.village_id,
                    weight_unit=WeightUnit.JIN,
                    seo_title=template.name[:120],
                )
                for number, shop, channel, template in plans
            ]
        )
        variants = ProductVariant.objects.bulk_create(
            [
                ProductVariant(
                    product=product,
                    sku=f"{SKU_PREFIX}{number:06d}",
                    name=template.variant_name,
                    weight_grams=template.grams,
                )
                for product, (number, shop, channel, template) in zip(products, plans, strict=True)
            ]
        )
        amounts = [
            max(_money(template.price * Decimal(rng.randint(80, 125)) / 100), Decimal("0.50"))
            for _n, _s, _c, template in plans
        ]
        # One variant per product: the listing's stored price range (what catalog.services.
        # listing_prices_refresh would compute) is that variant's price.
        ProductChannelListing.objects.bulk_create(
            [
                ProductChannelListing(
                    product=product,
                    channel=channel,
                    is_published=True,
                    published_at=now,
                    visible_in_listings=True,
                    available_for_purchase_at=now,
                    min_price_amount=price,
                    max_price_amount=price,
                    product_name=product.name,
                )
                for product, price, (number, shop, channel, template) in zip(products, amounts, plans, strict=True)
            ]
        )
        ProductVariantChannelListing.objects.bulk_create(
            [
                ProductVariantChannelListing(
                    variant=variant,
                    channel=channel,
                    currency=channel.currency_code,
                    price_amount=price,
                    cost_price_amount=_money(price * Decimal("0.72")),
                )
                for variant, price, (number, shop, channel, template) in zip(variants, amounts, plans, strict=True)
            ]
        )
        stocks = Stock.objects.bulk_create(
            [
                Stock(
                    warehouse=warehouses[shop.pk][number % len(warehouses[shop.pk])],
                    variant=variant,
                    quantity=rng.randint(5, 500),
                )
                for variant, (number, shop, channel, template) in zip(variants, plans, strict=True)
            ]
        )
        StockMovement.objects.bulk_create(
            [
                StockMovement(stock=stock, kind=MovementKind.RECEIVED, quantity_delta=stock.quantity, note="bulk seed")
                for stock in stocks
            ]
        )
        media = []
        for product, (number, _shop, _channel, template) in zip(products, plans, strict=True):
            photos = media_pool[template.category_root]
            photo = photos[number % len(photos)]
            media.append(ProductMedia(product=product, alt=product.name, sort_order=0, **photo))
        ProductMedia.objects.bulk_create(media)
