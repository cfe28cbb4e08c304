"""Order numbers come from a database sequence: concurrent checkouts never collide."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    from meidu.accounts.roles import roles_sync

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, apps=apps, verbosity=0)
    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_initial"), ("accounts", "0003_address")]
    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS order_number_seq START WITH 1001",
            "DROP SEQUENCE IF EXISTS order_number_seq",
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
