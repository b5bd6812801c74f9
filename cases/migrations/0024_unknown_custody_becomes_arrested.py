"""The custody stages of a night replace the old "unknown" status: an arrest whose stage nobody
knew is, at least, an arrest. The other stored values keep their meaning ("held", "released",
"cited_released"). Reversing maps "arrested" back to "unknown" and the new stages to "held"."""

from django.db import migrations

NEW_IN_CUSTODY = ["in_transport", "processed", "held_arraignment"]


def unknown_to_arrested(apps, schema_editor):
    Arrest = apps.get_model("cases", "Arrest")
    Arrest.objects.filter(custody_status="unknown").update(custody_status="arrested")


def arrested_to_unknown(apps, schema_editor):
    Arrest = apps.get_model("cases", "Arrest")
    Arrest.objects.filter(custody_status="arrested").update(custody_status="unknown")
    Arrest.objects.filter(custody_status__in=NEW_IN_CUSTODY).update(custody_status="held")


class Migration(migrations.Migration):
    dependencies = [("cases", "0023_custody_stages")]

    operations = [migrations.RunPython(unknown_to_arrested, arrested_to_unknown)]
