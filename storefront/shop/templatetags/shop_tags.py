"""Template filters of the market pages: prices with their unit, photo URLs, query strings."""

from django import template
from django.core.files.storage import default_storage
from django.urls import reverse

from marketplace.checkout.availability import variant_units_available
from marketplace.media.processing import rendition_for
from storefront.shop import pricing
from storefront.shop.listing import DEFAULT_CHANNEL

register = template.Library()


@register.filter
def price_in(product, channel) -> str:
    """{{ product|price_in:channel }}: "¥12.50/斤", "¥3.00 起" or "" (unpriced)."""
    return pricing.product_price_text(product, channel)


@register.simple_tag
def variant_price(variant, product, channel) -> str:
    listing = next((item for item in variant.channel_listings.all() if item.channel_id == channel.pk), None)
    return pricing.unit_price_text(listing.price_amount, listing.currency, product) if listing else ""


@register.filter
def units_available(variant) -> int:
    """{{ variant|units_available }}: what a buyer can put in a cart now, the API's quantityAvailable."""
    return variant_units_available(variant)


@register.simple_tag
def photo_url(media, size=None) -> str:
    """{% photo_url media 256 %}: the smallest stored rendition at least that many pixels on its long side."""
    return default_storage.url(rendition_for(media.renditions, size))


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (None or "" removes them)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def product_url(product, channel) -> str:
    """The product page, naming the channel only when it is not the default one."""
    url = reverse("shop:product", args=[product.slug])
    return url if channel.slug == DEFAULT_CHANNEL else f"{url}?channel={channel.slug}"
