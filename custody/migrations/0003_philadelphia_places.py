"""The places of custody of a Philadelphia night, as data: the Police Department's patrol
districts and central booking. Names only (addresses are for coordinators to add or correct);
more places are added as rows, never in code."""

from django.db import migrations

DISTRICTS = [1, 2, 3, 5, 6, 7, 8, 9, 12, 14, 15, 16, 17, 18, 19, 22, 24, 25, 26, 35, 39]


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def add_places(apps, schema_editor):
    CustodyPlace = apps.get_model("custody", "CustodyPlace")
    CustodyPlace.objects.get_or_create(name="Police headquarters (central booking)", defaults={"kind": "central"})
    for n in DISTRICTS:
        CustodyPlace.objects.get_or_create(name=f"{ordinal(n)} Police District", defaults={"kind": "district"})


def remove_places(apps, schema_editor):
    CustodyPlace = apps.get_model("custody", "CustodyPlace")
    names = ["Police headquarters (central booking)"] + [f"{ordinal(n)} Police District" for n in DISTRICTS]
    CustodyPlace.objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("custody", "0002_places_placements_hotline")]

    operations = [migrations.RunPython(add_places, remove_places)]
