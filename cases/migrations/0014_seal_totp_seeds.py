"""Move every TOTP device out of django-otp's table (seed in clear hex) into cases.Authenticator,
where the seed is sealed under the field keys. Codes keep working: same seed, step, drift and
last verified step. Sessions bound to an old device ask for a code again."""

from django.db import migrations

FIELDS = ("name", "confirmed", "throttling_failure_timestamp", "throttling_failure_count",
          "created_at", "last_used_at", "key", "step", "t0", "digits", "tolerance", "drift", "last_t", "user_id")  # fmt: skip


def seal(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    Authenticator = apps.get_model("cases", "Authenticator")
    for device in TOTPDevice.objects.order_by("pk").iterator():
        Authenticator.objects.create(**{name: getattr(device, name) for name in FIELDS})
    TOTPDevice.objects.all().delete()


def unseal(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    Authenticator = apps.get_model("cases", "Authenticator")
    for device in Authenticator.objects.order_by("pk").iterator():
        TOTPDevice.objects.create(**{name: getattr(device, name) for name in FIELDS})
    Authenticator.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_authenticator"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(seal, unseal)]
