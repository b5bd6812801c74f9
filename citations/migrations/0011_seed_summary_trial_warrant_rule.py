"""A missed summary trial is a warrant risk on the statewide track (Pa.R.Crim.P. 430(B)(2)): the
hearing of a Pennsylvania summary citation gets its own rule, with the warrant risk, instead of
the catch-all. Seeded unverified, like every rule until a lawyer reviews it."""

from django.db import migrations

RULE = {
    "code": "pa-summary-trial-appear",
    "jurisdiction": "PA",
    "citation_kind": "pa_summary",
    "complaint_forum": "",
    "kind": "appear",
    "trigger": "hearing",
    "offset": 0,
    "offset_unit": "days",
    "roll": "none",
    "warrant_risk": True,
    "verified": False,
    "active": True,
    "description": "Appear at the summary trial (a missed trial can bring a bench warrant)",
    "source": (
        "Pa.R.Crim.P. 430(B)(2): a bench warrant may issue when a defendant fails to appear for the summary trial "
        "(after a plea of not guilty). Pa.R.Crim.P. 430(B)(3)-(4): after a guilty plea or a conviction, failing to "
        "pay as ordered once the 10-day notice was given can also lead to a bench warrant."
    ),
}


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("citations", "DeadlineRule")
    values = dict(RULE)
    DeadlineRule.objects.update_or_create(code=values.pop("code"), defaults=values)


def unseed(apps, schema_editor):
    DeadlineRule = apps.get_model("citations", "DeadlineRule")
    DeadlineRule.objects.filter(code=RULE["code"], deadlines__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("citations", "0010_complaint_force_date")]

    operations = [migrations.RunPython(seed, unseed)]
