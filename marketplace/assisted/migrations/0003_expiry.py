"""Assisted orders lapse unconfirmed: expires_at (existing rows: 24 hours after their start, the
default ASSISTED_ORDER_EXPIRY_HOURS), the EXPIRED status, and an index the expiry job reads."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assisted", "0002_station_agent_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="assistedorder",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunSQL(
            "UPDATE assisted_assistedorder SET expires_at = created_at + interval '24 hours'",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="assistedorder",
            name="expires_at",
            field=models.DateTimeField(
                help_text="Unconfirmed by then, the order lapses (ASSISTED_ORDER_EXPIRY_HOURS)."
            ),
        ),
        migrations.AlterField(
            model_name="assistedorder",
            name="status",
            field=models.CharField(
                choices=[("open", "Being prepared"), ("placed", "Placed"), ("expired", "Expired unconfirmed")],
                default="open",
                max_length=8,
            ),
        ),
        migrations.RemoveConstraint(
            model_name="assistedorder",
            name="assisted_order_placed_has_villager",
        ),
        migrations.AddConstraint(
            model_name="assistedorder",
            constraint=models.CheckConstraint(
                condition=~models.Q(status="placed")
                | (models.Q(villager__isnull=False) & models.Q(placed_at__isnull=False)),
                name="assisted_order_placed_has_villager",
            ),
        ),
        migrations.AddIndex(
            model_name="assistedorder",
            index=models.Index(
                condition=models.Q(status="open"), fields=["expires_at"], name="assisted_order_open_by_expiry"
            ),
        ),
    ]
