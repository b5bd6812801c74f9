from django.db import migrations

ROLES = ["observer", "lawyer", "organizer", "coordinator", "administrator"]
FORCE_TYPES = [
    ("baton", "Baton"),
    ("oc_spray", "OC / pepper spray"),
    ("tear_gas", "Tear gas"),
    ("bicycle", "Bicycle used as a weapon"),
    ("takedown", "Tackle or takedown"),
    ("kettling", "Kettling"),
    ("projectile", "Less-lethal projectile"),
    ("vehicle", "Vehicle"),
    ("other", "Other"),
]


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ForceType = apps.get_model("cases", "ForceType")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for code, label in FORCE_TYPES:
        ForceType.objects.get_or_create(code=code, defaults={"label": label})


def remove(apps, schema_editor):
    apps.get_model("cases", "ForceType").objects.filter(code__in=[c for c, _ in FORCE_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create, remove)]
