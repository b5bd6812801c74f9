"""The plain record services change only the fields their TypedDict names, whoever calls them."""

from __future__ import annotations

import pytest

from cases.models import Case, CaseStatus, WitnessStatement
from cases.services import (
    arrest_update,
    case_close,
    case_update,
    complaint_update,
    event_update,
    statement_update,
)
from tests.factories import ArrestFactory, CaseFactory, ComplaintFactory, IncidentFactory, WitnessStatementFactory

pytestmark = pytest.mark.django_db


def test_case_update_cannot_change_the_status(coordinator):
    case = CaseFactory(status=CaseStatus.ACTIVE)
    with pytest.raises(TypeError, match="case_update\\(\\) cannot set status"):
        case_update(case=case, by=coordinator, status=CaseStatus.CLOSED)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    assert case.closed_on is None and case.retention_until is None


def test_closing_goes_through_case_close(coordinator):
    case = CaseFactory(status=CaseStatus.ACTIVE)
    case_close(case=case, by=coordinator)
    closed = Case.objects.get(pk=case.pk)
    assert closed.status == CaseStatus.CLOSED
    assert closed.closed_on is not None and closed.retention_until is not None


def test_case_update_changes_the_notes(coordinator):
    case = CaseFactory()
    case_update(case=case, by=coordinator, lawyer_notes="Call back after the hearing.")
    assert Case.objects.get(pk=case.pk).lawyer_notes == "Call back after the hearing."


@pytest.mark.parametrize(
    "call",
    [
        lambda by: case_update(case=CaseFactory(), by=by, lawyers=[]),
        lambda by: case_update(case=CaseFactory(), by=by, number="2026-9999"),
        lambda by: arrest_update(arrest=ArrestFactory(), by=by, case=CaseFactory()),
        lambda by: event_update(event=CaseFactory().event, by=by, public_id="x"),
        lambda by: complaint_update(complaint=ComplaintFactory(), by=by, case=CaseFactory()),
    ],
    ids=["case lawyers", "case number", "arrest's case", "event id", "complaint's case"],
)
def test_fields_outside_a_services_list_are_refused(coordinator, call):
    with pytest.raises(TypeError, match="cannot set"):
        call(coordinator)


def test_a_statements_text_can_be_corrected(coordinator):
    """The statement's text is a field named like the service's own argument once was."""
    statement = WitnessStatementFactory(case=CaseFactory(), statement="Saw the line push.")
    statement_update(witness_statement=statement, by=coordinator, statement="Saw the bike line push.")
    assert WitnessStatement.objects.get(pk=statement.pk).statement == "Saw the bike line push."


def test_complaint_update_replaces_only_the_lists_given(coordinator):
    complaint = ComplaintFactory()
    first, second = IncidentFactory(), IncidentFactory()
    complaint.incidents.set([first])
    complaint_update(complaint=complaint, by=coordinator, incidents=[second], narrative="Amended.")
    complaint.refresh_from_db()
    assert list(complaint.incidents.all()) == [second]
    assert complaint.narrative == "Amended."
    complaint_update(complaint=complaint, by=coordinator, reference_number="IAD-7")
    assert list(complaint.incidents.all()) == [second]
