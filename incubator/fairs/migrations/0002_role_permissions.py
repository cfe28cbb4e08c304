"""Give the operator and station agent roles the farm information permissions (meidu.accounts.roles)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    from meidu.accounts.roles import roles_sync

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, apps=apps, verbosity=0)
    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("farm_fairs", "0001_initial"),
        ("farm_posts", "0001_initial"),
        ("farm_prices", "0001_initial"),
        ("accounts", "0002_roles"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
