"""Postings carry the product's shop and no longer its shop's state (meidu.core.search.postings): a
query leaves out the shops closed now, so a holiday or a reopening writes no posting.

The existing rows were written without the products of closed shops and have no shop: they and the
terms are deleted, so every query goes the document way (always right) until the terms are rebuilt
(``meidu search reindex``, or postings_terms_rebuild)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('product_search', '0003_postings'),
    ]

    operations = [
        migrations.RunSQL(
            "DELETE FROM product_search_productsearchposting; DELETE FROM product_search_productsearchterm",
            migrations.RunSQL.noop,
        ),
        migrations.RemoveIndex(
            model_name='productsearchposting',
            name='product_search_post_rank',
        ),
        migrations.AddField(
            model_name='productsearchposting',
            name='shop_id',
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name='productsearchposting',
            index=models.Index(
                fields=['term', 'channel', '-rank', 'product'],
                include=('visible_from', 'shop_id'),
                name='product_search_post_rank',
            ),
        ),
    ]
