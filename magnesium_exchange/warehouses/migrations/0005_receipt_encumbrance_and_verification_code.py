"""Receipts carry their pledge (encumbrance) and a verification code; existing receipts get a code each
(AddField's default would give every existing row the same one)."""

import magnesium_exchange.warehouses.models
from django.db import migrations, models


def codes_backfill(apps, schema_editor):
    Receipt = apps.get_model("exchange_warehouses", "Receipt")
    for receipt in Receipt.objects.only("pk").iterator():
        Receipt.objects.filter(pk=receipt.pk).update(
            verification_code=magnesium_exchange.warehouses.models.verification_code_new()
        )


class Migration(migrations.Migration):
    dependencies = [
        ('exchange_warehouses', '0004_receipt_status_labels'),
    ]

    operations = [
        migrations.AddField(
            model_name='receipt',
            name='encumbrance',
            field=models.CharField(
                blank=True,
                help_text='The pledge holding the receipt (e.g. loan:12) while pledged or sold under that pledge; cleared on release.',
                max_length=40,
            ),
        ),
        migrations.AddField(
            model_name='receipt',
            name='verification_code',
            field=models.CharField(
                default=magnesium_exchange.warehouses.models.verification_code_new,
                help_text='Printed on the receipt and in its QR; opens its signed statement.',
                max_length=16,
            ),
        ),
        migrations.RunPython(codes_backfill, migrations.RunPython.noop),
    ]
