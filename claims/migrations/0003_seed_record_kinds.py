"""The kinds of records a preservation letter asks for, with retention periods as data. Every
period here is unverified: a starting point for a lawyer to check against the holder's own
retention schedule (and to correct in the admin), never a statement of fact."""

from django.db import migrations

UNVERIFIED = "Unverified: confirm against the holder's current records retention schedule before relying on it."
KINDS = [
    ("bwc-video", "Body-worn camera video (not marked as evidence)", "police", 30,
     f"Philadelphia Police Department body-worn camera directive (retention of non-evidentiary video). {UNVERIFIED}"),
    ("surveillance-video", "City surveillance camera video", "city", 30,
     f"City of Philadelphia camera program retention. {UNVERIFIED}"),
    ("radio", "Police radio recordings", "police", 90,
     f"Police radio communications retention. {UNVERIFIED}"),
    ("cad", "Computer-aided dispatch (CAD) records", "city", 365,
     f"City records retention schedule for dispatch records. {UNVERIFIED}"),
]  # fmt: skip


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    RecordKind = apps.get_model("claims", "RecordKind")
    for code, label, holder, days, source in KINDS:
        RecordKind.objects.update_or_create(
            code=code, defaults={"label": label, "holder": holder, "retention_days": days, "source": source}
        )


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_preservation_letters")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
