from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import migrations


def backfill(apps, schema_editor):
    Incident = apps.get_model("cases", "Incident")
    zones = {}
    batch = []
    for incident in Incident.objects.filter(occurred_on__isnull=True).select_related("event").iterator(chunk_size=2000):
        name = incident.event.time_zone
        if name not in zones:
            try:
                zones[name] = ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                zones[name] = ZoneInfo(settings.TIME_ZONE)
        incident.occurred_on = incident.occurred_at.astimezone(zones[name]).date()
        batch.append(incident)
        if len(batch) >= 2000:
            Incident.objects.bulk_update(batch, ["occurred_on"])
            batch = []
    if batch:
        Incident.objects.bulk_update(batch, ["occurred_on"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_incident_occurred_on")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
