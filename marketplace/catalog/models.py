"""The catalogue: categories, product types with typed attributes, products, variants,
per-channel listings and prices, and photos. Every product belongs to a shop."""

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from marketplace.media.stored_image import StoredImage


def listing_sort_price(path: str = "min_price_amount"):
    """The price listings sort by: the stored minimum, 0 while unpriced (keyset cursors need a
    non-null key). The index on ProductChannelListing is built on this very expression."""
    return Coalesce(F(path), Value(0), output_field=models.DecimalField(max_digits=12, decimal_places=2))


class Category(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    level = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["slug"]

    def __str__(self):
        return self.name


class AttributeInputType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "numeric", _("Number")
    DATE = "date", _("Date")
    CHOICE = "dropdown", _("Choice")


class Attribute(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    input_type = models.CharField(max_length=16, choices=AttributeInputType.choices)
    unit = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        ordering = ["slug"]

    def __str__(self):
        return self.name


class AttributeChoice(models.Model):
    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="choices")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, allow_unicode=True)

    class Meta:
        verbose_name = _("attribute choice")
        verbose_name_plural = _("attribute choices")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["attribute", "slug"], name="attribute_choice_unique")]


class SoldBy(models.TextChoices):
    PIECE = "piece", _("By the piece")
    WEIGHT = "weight", _("By weight")


class WeightUnit(models.TextChoices):
    JIN = "jin", _("jin (500 g)")
    KG = "kg", _("kg")


class ProductType(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=16, default="normal")
    is_shipping_required = models.BooleanField(default=True)
    sold_by = models.CharField(max_length=8, choices=SoldBy.choices, default=SoldBy.PIECE)
    attributes = models.ManyToManyField(Attribute, blank=True, related_name="product_types")

    class Meta:
        verbose_name = _("product type")
        verbose_name_plural = _("product types")
        ordering = ["slug"]

    def __str__(self):
        return self.name


class Product(models.Model):
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="products")
    product_type = models.ForeignKey(ProductType, on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="products")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True, allow_unicode=True)
    description = models.TextField(blank=True)
    seo_title = models.CharField(max_length=120, blank=True)
    seo_description = models.CharField(max_length=300, blank=True)
    origin_village = models.ForeignKey(
        "geography.Village", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    weight_unit = models.CharField(max_length=4, choices=WeightUnit.choices, default=WeightUnit.JIN)
    rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["id"]
        permissions = [("manage_products", "Moderate every shop's catalogue")]
        indexes = [
            models.Index(fields=["shop", "id"]),
            models.Index(fields=["category", "id"]),
            models.Index(fields=["name", "id"]),
        ]

    def __str__(self):
        return self.name


class ProductAttributeValue(models.Model):
    """One attribute's value on a product, typed by the attribute's input type."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="attribute_values")
    attribute = models.ForeignKey(Attribute, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(max_length=255, blank=True)
    number = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    choice = models.ForeignKey(AttributeChoice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["product", "attribute"], name="product_attribute_once")]


class ProductVariant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(max_length=200, blank=True)
    sku = models.CharField(max_length=64, unique=True)
    weight_grams = models.PositiveIntegerField(
        null=True, blank=True, help_text="Per piece, or per unit when sold by weight."
    )
    quantity_limit_per_customer = models.PositiveIntegerField(null=True, blank=True)
    track_inventory = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("product variant")
        verbose_name_plural = _("product variants")
        ordering = ["id"]

    def __str__(self):
        return f"{self.product.name} {self.name}".strip()


class ProductChannelListing(models.Model):
    # No index of its own: the unique (product, channel) index serves lookups by product, and
    # probing it with both columns skips other channels' rows without reading them.
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="channel_listings", db_index=False)
    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="product_listings")
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    visible_in_listings = models.BooleanField(default=True)
    available_for_purchase_at = models.DateTimeField(null=True, blank=True)
    # The lowest and highest price of the product's variants in this channel (Saleor keeps the
    # same on its listing as ``discounted_price``), so that listings sort and filter by price
    # with an index and price a page without reading variants. Written only by the catalogue
    # services that change variant prices (``listing_prices_refresh``); NULL while no variant
    # has a price in the channel, which keeps the product unavailable there.
    min_price_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True, editable=False)
    max_price_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True, editable=False)
    # The product's name again, so a channel's listings sort by name with one index walk over that
    # channel only (ordering by Product.name probes every product of every channel in name order).
    # Written with the listing and by product_update when the name changes.
    product_name = models.CharField(max_length=200, default="", editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "channel"], name="product_listing_once")]
        indexes = [
            models.Index(fields=["channel", "is_published", "product"]),
            # Storefront listings sorted by price: unpriced products sort as 0 (selectors.with_min_price).
            models.Index(
                F("channel"),
                listing_sort_price(),
                F("product"),
                name="listing_channel_price_idx",
                condition=Q(is_published=True, visible_in_listings=True),
            ),
            # Storefront listings sorted by name (api.filters.apply_sort).
            models.Index(
                fields=["channel", "product_name", "product"],
                name="listing_channel_name_idx",
                condition=Q(is_published=True, visible_in_listings=True),
            ),
        ]


class ProductVariantChannelListing(models.Model):
    variant = models.ForeignKey(ProductVariant, on_delete=models.CASCADE, related_name="channel_listings")
    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="variant_listings")
    currency = models.CharField(max_length=3)
    price_amount = models.DecimalField(max_digits=12, decimal_places=2)
    cost_price_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variant", "channel"], name="variant_listing_once"),
            models.CheckConstraint(condition=Q(price_amount__gte=0), name="variant_price_not_negative"),
            models.CheckConstraint(
                condition=Q(cost_price_amount__isnull=True) | Q(cost_price_amount__gte=0),
                name="variant_cost_not_negative",
            ),
        ]


class ProductMedia(StoredImage):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="media")
    alt = models.CharField(max_length=250, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
