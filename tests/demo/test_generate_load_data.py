"""The load data set: bulk-written rows are what the services would store, and look real."""

from __future__ import annotations

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cases.models import (
    Case,
    CaseStatus,
    Demonstrator,
    Event,
    ExcessiveForceComplaint,
    Incident,
    IncidentOfficer,
    Officer,
    User,
    local_date,
)
from cases.roles import Role, role_of
from cases.services import case_create
from citations.models import Citation, CitationKind, Payment
from demo.load_data import LoadSizes, generate_load_data

ANCHOR = datetime.date(2026, 6, 30)
SMALL = LoadSizes(people=200, citations=900, incidents=1500, officers=60, observers=12, lawyers=8)


@pytest.fixture
def generated(db):  # type: ignore[no-untyped-def]
    return generate_load_data(sizes=SMALL, seed=8, anchor=ANCHOR)


def test_counts_match_the_options(generated):
    assert Demonstrator.objects.count() == 200
    assert Citation.objects.count() == 900
    assert Incident.objects.count() == 1500
    assert Officer.objects.count() == 60
    assert generated.counts["citations"] == 900
    assert Case.objects.count() >= 200


def test_bulk_rows_are_encrypted_and_blind_indexed_like_saved_rows(generated):
    person = Demonstrator.objects.exclude(phone_index="").first()
    # Blind indexes were computed per row during bulk_create (BlindIndexField.pre_save).
    assert person.legal_name_index == Demonstrator.legal_name_index.field.index_for(person.legal_name)
    assert person.phone_index == Demonstrator.phone_index.field.index_for(person.phone)
    assert Demonstrator.objects.filter(
        legal_name_index=Demonstrator.legal_name_index.field.index_for(person.legal_name)
    ).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT legal_name FROM cases_demonstrator WHERE id = %s", [person.pk])
        stored = cursor.fetchone()[0]
        cursor.execute("SELECT narrative FROM cases_incident LIMIT 1")
        narrative = cursor.fetchone()[0]
    assert stored.startswith("v1:") and person.legal_name not in stored
    assert narrative.startswith("v1:")
    incident = Incident.objects.select_related("event").first()
    assert incident.narrative  # and it decrypts
    assert incident.occurred_on == local_date(incident.occurred_at, incident.event.time_zone)


def test_distributions_look_like_a_mass_arrest_month(generated):
    kinds = Counter(Citation.objects.values_list("kind", flat=True))
    assert set(kinds) == {CitationKind.PHL_CVN, CitationKind.PA_SUMMARY, CitationKind.PHL_SUMMARY_NTA}
    assert kinds[CitationKind.PHL_CVN] > kinds[CitationKind.PHL_SUMMARY_NTA]
    assert len(set(Citation.objects.values_list("status", flat=True))) >= 4
    assert len(set(Case.objects.values_list("status", flat=True))) == 3
    cases = Case.objects.count()
    complaints = ExcessiveForceComplaint.objects.count()
    assert complaints == int(cases * 0.05)
    days = {at.date() for at in Incident.objects.values_list("occurred_at", flat=True)}
    first, last = min(days), max(days)
    assert (last - first).days >= 20 and last <= ANCHOR
    # a long tail of officers: the most cited officer has many more citations than the median one
    per_officer = sorted(Counter(Citation.objects.values_list("issuing_officer", flat=True)).values())
    assert per_officer[-1] >= 5 * per_officer[len(per_officer) // 2]
    assert IncidentOfficer.objects.exists()
    assert Payment.objects.filter(kind="payment").exists()


def test_accounts_have_roles_and_lawyers_have_cases(generated):
    lawyer = User.objects.filter(username__startswith="load-lawyer-").first()
    observer = User.objects.filter(username__startswith="load-observer-").first()
    assert role_of(lawyer) == Role.LAWYER and role_of(observer) == Role.OBSERVER
    assert not lawyer.has_usable_password()
    assert not Case.objects.filter(status=CaseStatus.INTAKE, lawyers__isnull=False).exists()
    assert Case.objects.filter(status=CaseStatus.ACTIVE, lawyers__isnull=True).count() == 0


def test_case_numbers_continue_after_the_generated_ones(generated, coordinator):
    case = case_create(
        event=Event.objects.first(), demonstrator=Demonstrator.objects.create(legal_name="New Person"),
        by=coordinator, opened_on=ANCHOR,
    )  # fmt: skip
    assert case.number == f"{ANCHOR.year}-{Case.objects.count():04d}"


def test_same_seed_same_data(db):
    generate_load_data(
        sizes=LoadSizes(people=20, citations=40, incidents=30, officers=5, observers=2, lawyers=2),
        seed=3,
        anchor=ANCHOR,
    )
    first = list(Citation.objects.order_by("number").values_list("number", "kind", "status", "public_id"))
    names = [p.legal_name for p in Demonstrator.objects.order_by("public_id")]
    for model in (Payment, Citation, IncidentOfficer, Incident, ExcessiveForceComplaint):
        model.objects.all().delete()
    Case.lawyers.through.objects.all().delete()
    from cases.models import Arrest, ArrestSeen, WitnessStatement

    for model in (WitnessStatement, ArrestSeen, Arrest, Case, Demonstrator, Officer, Event):
        model.objects.all().delete()
    User.objects.filter(username__startswith="load-").delete()
    generate_load_data(
        sizes=LoadSizes(people=20, citations=40, incidents=30, officers=5, observers=2, lawyers=2),
        seed=3,
        anchor=ANCHOR,
    )
    assert list(Citation.objects.order_by("number").values_list("number", "kind", "status", "public_id")) == first
    assert [p.legal_name for p in Demonstrator.objects.order_by("public_id")] == names


def test_command_refuses_a_second_run_and_production(db, settings):
    out = StringIO()
    call_command("generate_load_data", "--people=5", "--citations=5", "--incidents=5", "--officers=2",
                 "--observers=1", "--lawyers=1", "--anchor=2026-06-30", stdout=out)  # fmt: skip
    assert "Done:" in out.getvalue()
    with pytest.raises(CommandError, match="already"):
        call_command("generate_load_data", "--people=5", "--citations=5", "--incidents=5", stdout=StringIO())
    settings.ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="disabled"):
        call_command("generate_load_data", "--people=5", stdout=StringIO())


def test_deadlines_are_computed_by_the_lifecycle(generated):
    from citations.deadlines import sync_citation_deadlines
    from citations.models import Deadline

    assert generated.counts["deadlines"] == Deadline.objects.count() > 0
    assert Deadline.objects.filter(complaint__isnull=False).exists()
    assert len(set(Deadline.objects.values_list("kind", flat=True))) >= 3
    # Recomputing changes nothing: the generated deadlines are what the services would keep.
    sample = list(Citation.objects.order_by("id")[:50])
    created, _updated = sync_citation_deadlines(sample)
    assert created == 0
