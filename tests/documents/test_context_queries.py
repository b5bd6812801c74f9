"""Building a packet's context costs the same number of queries for one row or many."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import CustodyAction, CustodyEvent, IncidentOfficer, WitnessStatement
from cases.roles import role_of
from cases.services import evidence_add
from citations.deadlines import sync_citation_deadlines
from documents import context as ctx
from tests.documents.scenario import photo_bytes
from tests.factories import (
    CaseFactory,
    CitationFactory,
    ComplaintFactory,
    IncidentFactory,
    OfficerFactory,
    PaymentFactory,
)

pytestmark = pytest.mark.django_db


def _grow(case, lawyer, observer, n: int) -> None:  # type: ignore[no-untyped-def]
    citations = [CitationFactory(case=case, kind="pa_summary") for _ in range(n)]
    for citation in citations:
        PaymentFactory(citation=citation, amount="10.00")
    sync_citation_deadlines(citations)
    for _ in range(n):
        incident = IncidentFactory(reporter=observer, event=case.event)
        incident.people_affected.add(case)
        IncidentOfficer.objects.create(incident=incident, officer=OfficerFactory())
        WitnessStatement.objects.create(statement="Seen.", case=case, incident=incident, taken_by=lawyer)
        evidence = evidence_add(
            upload=ContentFile(photo_bytes(size=(16, 16)), name="p.png"), kind="photo", content_type="image/png",
            by=observer, case=case, captured_at=incident.occurred_at,
        )  # fmt: skip
        CustodyEvent.objects.create(evidence=evidence, action=CustodyAction.VIEWED, actor=lawyer)
    complaint = ComplaintFactory(case=case)
    complaint.incidents.set(case.incidents.all())


def _queries(fn) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_case_and_complaint_context_queries_do_not_grow_with_rows(lawyer, observer):  # type: ignore[no-untyped-def]
    small = CaseFactory(lawyers=[lawyer])
    large = CaseFactory(lawyers=[lawyer])
    _grow(small, lawyer, observer, 1)
    _grow(large, lawyer, observer, 8)
    role_of(lawyer)  # the role is looked up once per request and cached on the user
    counts = {}
    for name, case in (("small", small), ("large", large)):
        complaint = case.complaints.get()
        counts[name] = (
            _queries(lambda case=case: ctx.case_packet_context(case=case, user=lawyer)),
            _queries(lambda complaint=complaint: ctx.complaint_packet_context(complaint=complaint, user=lawyer)),
        )
    assert counts["small"] == counts["large"]
    case_queries, complaint_queries = counts["large"]
    # case: the scope check, lawyers, citations, payments, deadlines, arrests, incidents, force
    # types, sightings, complaints, statements, evidence, custody log.
    assert case_queries <= 13 and complaint_queries <= 12


def test_docket_context_queries_do_not_grow_with_defendants(lawyer):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    when = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) + datetime.timedelta(days=2)
    day = when.astimezone(timezone.get_current_timezone()).date()

    def hearing(n: int) -> None:
        for _ in range(n):
            case = CaseFactory(lawyers=[lawyer])
            PaymentFactory(citation=CitationFactory(case=case, hearing_at=when, courtroom="306"))

    hearing(1)
    role_of(lawyer)
    one = _queries(lambda: ctx.docket_context(user=lawyer, date=day))
    hearing(9)
    many = _queries(lambda: ctx.docket_context(user=lawyer, date=day))
    assert one == many <= 3
    assert len(ctx.docket_context(user=lawyer, date=day)["defendants"]) == 10
