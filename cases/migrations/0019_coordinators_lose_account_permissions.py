"""Coordinators held every `auth` permission and add/change/delete on the user model, which let
them make any account an administrator through the admin. They keep none of them: accounts change
only through the account services (cases.services.account_*). `cases.receivers.sync_role_permissions`
grants them no more after each migrate either."""

from django.db import migrations
from django.db.models import Q

ACCOUNT_PERMISSIONS = Q(content_type__app_label="auth") | Q(content_type__app_label="cases", content_type__model="user")


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="coordinator").first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(ACCOUNT_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cases", "0018_seal_existing_free_text"),
    ]

    operations = [migrations.RunPython(revoke, migrations.RunPython.noop)]
