"""Stored price range per product listing (min and max of its variants' prices in the channel),
backfilled from the variant listings, and the index that price-sorted storefront pages scan."""

import django.db.models.functions.comparison
from django.db import migrations, models
from django.db.models import Max, Min, OuterRef, Subquery


def backfill_price_range(apps, schema_editor):
    """One UPDATE over all listings, as catalog.services.listing_prices_refresh does per product."""
    ProductChannelListing = apps.get_model("catalog", "ProductChannelListing")
    ProductVariantChannelListing = apps.get_model("catalog", "ProductVariantChannelListing")
    prices = ProductVariantChannelListing.objects.filter(
        variant__product_id=OuterRef("product_id"), channel_id=OuterRef("channel_id")
    ).values("channel_id")
    ProductChannelListing.objects.update(
        min_price_amount=Subquery(prices.annotate(low=Min("price_amount")).values("low")[:1]),
        max_price_amount=Subquery(prices.annotate(high=Max("price_amount")).values("high")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ('catalog', '0002_initial'),
        ('channels', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='productchannellisting',
            name='max_price_amount',
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=12, null=True),
        ),
        migrations.AddField(
            model_name='productchannellisting',
            name='min_price_amount',
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=12, null=True),
        ),
        migrations.RunPython(backfill_price_range, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='productchannellisting',
            index=models.Index(
                models.F('channel'),
                django.db.models.functions.comparison.Coalesce(
                    models.F('min_price_amount'),
                    models.Value(0),
                    output_field=models.DecimalField(decimal_places=2, max_digits=12),
                ),
                models.F('product'),
                condition=models.Q(('is_published', True), ('visible_in_listings', True)),
                name='listing_channel_price_idx',
            ),
        ),
    ]
