"""Seed the Philadelphia courts' closures for 2026 and 2027.

The First Judicial District publishes the days "all court locations are closed" (its 2023 list:
New Year's Day, Martin Luther King Jr. Day, Presidents' Day, Good Friday, Memorial Day,
Juneteenth, Independence Day, Labor Day, Indigenous Peoples' Day, Veterans Day, Thanksgiving and
the day after, Christmas; a Sunday holiday observed on the Monday). The 2026 and 2027 days below
follow that list. Marked uncertain, so that no deadline is moved later because of them until a
coordinator confirms them against the court's page: the Fridays observed for a Saturday holiday,
and the statewide court holidays not on the Philadelphia list (Election Day, Flag Day).
Coordinators correct these on the court calendar page."""

from django.db import migrations

PHL = "phl-fjd"
LIST = "First Judicial District of Pennsylvania, court holidays: https://www.courts.phila.gov/holidays/"
OBSERVED = (
    LIST + " (a Saturday holiday: whether the courts close the Friday before is not on the published list; "
    "unconfirmed)"
)
STATEWIDE = (
    "Pennsylvania Supreme Court, schedule of holidays of the Unified Judicial System (Pa. Bulletin orders list "
    "Election Day); not on the First Judicial District's list: unconfirmed for Philadelphia's courts"
)
FLAG_DAY = (
    "Flag Day, a Pennsylvania legal holiday; not on the First Judicial District's list: "
    "unconfirmed for Philadelphia's courts"
)

CLOSURES = [
    # (day, name, source, uncertain)
    ("2026-01-01", "New Year's Day", LIST, False),
    ("2026-01-19", "Martin Luther King, Jr. Day", LIST, False),
    ("2026-02-16", "Presidents' Day", LIST, False),
    ("2026-04-03", "Good Friday", LIST, False),
    ("2026-05-25", "Memorial Day", LIST, False),
    ("2026-06-19", "Juneteenth", LIST, False),
    ("2026-07-03", "Independence Day (observed)", OBSERVED, True),
    ("2026-09-07", "Labor Day", LIST, False),
    ("2026-10-12", "Indigenous Peoples' Day", LIST, False),
    ("2026-11-03", "Election Day", STATEWIDE, True),
    ("2026-11-11", "Veterans Day", LIST, False),
    ("2026-11-26", "Thanksgiving Day", LIST, False),
    ("2026-11-27", "Day after Thanksgiving", LIST, False),
    ("2026-12-25", "Christmas Day", LIST, False),
    ("2027-01-01", "New Year's Day", LIST, False),
    ("2027-01-18", "Martin Luther King, Jr. Day", LIST, False),
    ("2027-02-15", "Presidents' Day", LIST, False),
    ("2027-03-26", "Good Friday", LIST, False),
    ("2027-05-31", "Memorial Day", LIST, False),
    ("2027-06-14", "Flag Day", FLAG_DAY, True),
    ("2027-06-18", "Juneteenth (observed)", OBSERVED, True),
    ("2027-07-05", "Independence Day (observed)", LIST, False),
    ("2027-09-06", "Labor Day", LIST, False),
    ("2027-10-11", "Indigenous Peoples' Day", LIST, False),
    ("2027-11-02", "Election Day", STATEWIDE, True),
    ("2027-11-11", "Veterans Day", LIST, False),
    ("2027-11-25", "Thanksgiving Day", LIST, False),
    ("2027-11-26", "Day after Thanksgiving", LIST, False),
    ("2027-12-24", "Christmas Day (observed)", OBSERVED, True),
    ("2027-12-31", "New Year's Day 2028 (observed)", OBSERVED, True),
]


def seed(apps, schema_editor):
    CourtClosure = apps.get_model("citations", "CourtClosure")
    for day, name, source, uncertain in CLOSURES:
        CourtClosure.objects.update_or_create(
            court=PHL, day=day, defaults={"name": name, "source": source, "uncertain": uncertain}
        )


def unseed(apps, schema_editor):
    CourtClosure = apps.get_model("citations", "CourtClosure")
    CourtClosure.objects.filter(court=PHL, day__in=[c[0] for c in CLOSURES]).delete()


class Migration(migrations.Migration):
    dependencies = [("citations", "0005_court_closures")]

    operations = [migrations.RunPython(seed, unseed)]
