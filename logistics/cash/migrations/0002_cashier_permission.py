"""Give the operator role (the group named "operator", meidu.accounts.roles) the cashier's permission."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    create_permissions(global_apps.get_app_config("cod_cash"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="cod_cash", codename="reconcile_cash")
    group, _ = Group.objects.get_or_create(name="operator")
    group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("cod_cash", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
