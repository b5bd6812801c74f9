"""Admin log entries written before the admin logged non-personal labels (config.admin_site) kept
each object's `__str__`: replace it with the model and key, and drop inline rows' labels from the
change messages (the fields changed are kept; their values never were)."""

import json

from django.db import migrations


def scrub(apps, schema_editor):
    LogEntry = apps.get_model("admin", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    models = dict(ContentType.objects.values_list("pk", "model"))
    for entry in LogEntry.objects.iterator():
        entry.object_repr = f"{models.get(entry.content_type_id, 'object')} {entry.object_id}"[:200]
        try:
            message = json.loads(entry.change_message or "[]")
        except ValueError:
            message = []  # a free-text message from before Django 2.0: drop it
        if isinstance(message, list):
            for part in message:
                for kind in ("added", "changed", "deleted"):
                    if isinstance(part, dict) and "object" in part.get(kind, {}):
                        part[kind]["object"] = part[kind].get("name", "")
        entry.change_message = json.dumps(message) if message else ""
        entry.save(update_fields=["object_repr", "change_message"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_seal_totp_seeds"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
