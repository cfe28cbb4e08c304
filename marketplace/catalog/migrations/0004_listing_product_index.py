"""Drop the listing's own product_id index: the unique (product, channel) index serves the same
lookups and lets the products page probe product and channel together."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('catalog', '0003_listing_price_range'),
    ]

    operations = [
        migrations.AlterField(
            model_name='productchannellisting',
            name='product',
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name='channel_listings',
                to='catalog.product',
            ),
        ),
    ]
