"""Intake in one step: person, case (numbered), arrest and citations with their deadlines, in one
transaction; a chosen existing person and their case are reused; a refusal leaves nothing."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from cases.models import AuditEntry, Case, CustodyStatus, Demonstrator
from citations.models import Citation, Deadline
from custody.services.intake import intake_register, release_record
from tests.factories import ArrestFactory, CaseFactory, DemonstratorFactory, EventFactory

PHL = ZoneInfo("America/New_York")


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PHL)


def a_citation(number: str = "SC-1001", **extra):  # type: ignore[no-untyped-def]
    return {
        # traffic: a 10-day answer in Philadelphia (a non-traffic summary citation there follows Rule 1002)
        "number": number, "kind": "traffic", "offense_code": "18 Pa.C.S. § 5502",
        "issued_at": at(2026, 7, 4, 23, 10), **extra,
    }  # fmt: skip


@pytest.fixture
def event(db):  # type: ignore[no-untyped-def]
    return EventFactory(name="Kettle at 8th and Arch", jurisdiction="PA-PHL", starts_at=at(2026, 7, 4, 18))


@pytest.mark.django_db
def test_one_step_registers_person_case_arrest_and_citations_with_deadlines(coordinator, event):
    result = intake_register(
        by=coordinator,
        event=event,
        person={"legal_name": "Rosa Parker", "phone": "215-555-0199", "special_needs": "insulin at 9pm"},
        arrest={"arrested_at": at(2026, 7, 4, 21, 5), "place": "8th and Arch", "custody_status": CustodyStatus.HELD},
        citations=[a_citation("SC-1001"), a_citation("SC-1002", kind="phl_cvn", fine="50.00")],
    )
    assert result.person_created and result.case_created
    assert result.case.number and Case.objects.get(pk=result.case.pk).number == result.case.number
    assert result.person.legal_name == "Rosa Parker" and result.case.event == event
    assert result.arrest is not None and result.arrest.case == result.case
    assert [c.number for c in result.citations] == ["SC-1001", "SC-1002"]
    # deadlines computed at once, by the deadline engine, for each citation
    assert Deadline.objects.filter(citation__in=result.citations).values("citation").distinct().count() == 2
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert {"demonstrator.create", "case.create", "arrest.create", "citation.create", "intake.register"} <= set(actions)
    entry = AuditEntry.objects.get(action="intake.register")
    assert entry.target_id == str(result.case.public_id) and entry.details == {
        "created": ["person", "case"],
        "count": 2,
    }
    assert "Rosa" not in str(entry.details)


@pytest.mark.django_db
def test_a_chosen_person_is_reused_and_so_is_their_case_at_the_event(coordinator, event):
    person = DemonstratorFactory(legal_name="Sam Lee")
    case = CaseFactory(event=event, demonstrator=person)
    result = intake_register(by=coordinator, event=event, existing_person=person, citations=[a_citation()])
    assert not result.person_created and not result.case_created
    assert result.case == case and Demonstrator.objects.count() == 1 and Case.objects.count() == 1
    assert Citation.objects.get().case == case


@pytest.mark.django_db
def test_a_refused_citation_leaves_nothing_behind_and_names_the_row(coordinator, event):
    Citation.objects.all().delete()
    intake_register(by=coordinator, event=event, person={"legal_name": "First"}, citations=[a_citation("SC-7")])
    people, cases = Demonstrator.objects.count(), Case.objects.count()
    with pytest.raises(ValidationError) as refused:
        intake_register(
            by=coordinator,
            event=event,
            person={"legal_name": "Second"},
            arrest={"arrested_at": at(2026, 7, 4, 21)},
            citations=[a_citation("SC-8"), a_citation("SC-7")],  # SC-7 is already recorded
        )
    assert set(refused.value.error_dict) == {"citations.1"}
    assert (Demonstrator.objects.count(), Case.objects.count(), Citation.objects.count()) == (people, cases, 1)


@pytest.mark.django_db
def test_new_details_and_a_chosen_person_together_are_refused(coordinator, event):
    with pytest.raises(ValidationError):
        intake_register(by=coordinator, event=event, person={"legal_name": "X"}, existing_person=DemonstratorFactory())
    with pytest.raises(ValidationError):
        intake_register(by=coordinator, event=event)


@pytest.mark.django_db
def test_release_with_a_citation_updates_the_arrest_and_adds_the_citation_with_deadlines(coordinator, event):
    arrest = ArrestFactory(case=CaseFactory(event=event), arrested_at=at(2026, 7, 4, 21), custody_status="held")
    result = release_record(
        arrest=arrest, by=coordinator, released_at=at(2026, 7, 5, 4, 10), citations=[a_citation("SC-44")]
    )
    arrest.refresh_from_db()
    assert arrest.custody_status == CustodyStatus.CITED_RELEASED and arrest.released_at == at(2026, 7, 5, 4, 10)
    assert result.citations[0].case == arrest.case and Deadline.objects.filter(citation=result.citations[0]).exists()
    assert AuditEntry.objects.filter(action="custody.release", target_id=str(arrest.public_id)).exists()


@pytest.mark.django_db
def test_release_without_a_citation_reads_released_and_before_the_arrest_is_refused(coordinator, event):
    arrest = ArrestFactory(case=CaseFactory(event=event), arrested_at=at(2026, 7, 4, 21), custody_status="held")
    with pytest.raises(ValidationError) as refused:
        release_record(arrest=arrest, by=coordinator, released_at=at(2026, 7, 4, 20))
    assert "released_at" in refused.value.error_dict
    release_record(arrest=arrest, by=coordinator, released_at=at(2026, 7, 5, 2))
    arrest.refresh_from_db()
    assert arrest.custody_status == CustodyStatus.RELEASED
