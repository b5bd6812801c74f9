"""Give every case saved without a number (the admin's add form could) one from its year's
sequence, before 0021 refuses an empty number in the database."""

from django.db import migrations


def number_the_unnumbered(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseNumberSequence = apps.get_model("cases", "CaseNumberSequence")
    for case in Case.objects.filter(number="").order_by("id"):
        seq, _ = CaseNumberSequence.objects.select_for_update().get_or_create(year=case.opened_on.year)
        while True:
            seq.last_value += 1
            number = f"{case.opened_on.year}-{seq.last_value:04d}"
            if not Case.objects.filter(number=number).exists():
                break
        seq.save(update_fields=["last_value"])
        case.number = number
        case.save(update_fields=["number"])


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0019_coordinators_lose_account_permissions'),
    ]

    operations = [
        migrations.RunPython(number_the_unnumbered, migrations.RunPython.noop),
    ]
