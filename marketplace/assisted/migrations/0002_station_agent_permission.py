"""Give the station agent and operator roles (groups named by meidu.accounts.roles) the permission to
order for villagers; `roles_sync` keeps the same grant from then on (ROLE_PERMISSIONS lists it)."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    create_permissions(global_apps.get_app_config("assisted"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="assisted", codename="assist_orders")
    for name in ("station_agent", "operator"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("assisted", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
