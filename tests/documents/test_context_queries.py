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
    # Traffic citations: each has its 10-day answer in Philadelphia (a non-traffic summary
    # citation there follows Rule 1002 and has no deadline before its notice-to-appear date).
    citations = [CitationFactory(case=case, kind="traffic") for _ in range(n)]
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
    # case: the scope check, lawyers, citations, payments, deadlines, the clerk's office hours
    # (what a filing's "due" means), arrests, incidents, force types, sightings, complaints,
    # statements, evidence, custody log.
    assert case_queries <= 14 and complaint_queries <= 12


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


def test_a_case_packet_render_on_a_miss_makes_a_fixed_number_of_statements(lawyer, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """The whole request around WeasyPrint on PostgreSQL is mostly round trips: each statement
    added shows in the packet benchmark (docs/performance.md). Transaction control (BEGIN,
    COMMIT, savepoints) is left out of the count: inside a test everything is one transaction."""
    from documents.models import StoredPacket
    from documents.services import packet_for_case
    from tests.documents.scenario import build_case

    with django_capture_on_commit_callbacks(execute=True):  # the photo's derivative is stored, as after an upload
        s = build_case(lawyer=lawyer)
    role_of(lawyer)
    packet_for_case(case=s["case"], by=lawyer)  # fonts, templates and code loaded once per process
    StoredPacket.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        result = packet_for_case(case=s["case"], by=lawyer)
    assert not result.cached
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT", "SET ")
    statements = [q["sql"] for q in captured if not q["sql"].startswith(control)]
    # The case in scope; the inputs stamp and the slot's packet; the context's 13 queries (12, and
    # the clerk's office hours for the citations' filings); the
    # photos with their derivatives and their data keys; the packet, its case link, older packets
    # of the slot, the photos' export events; the audit entry (chain head locked, entry, head).
    assert len(statements) <= 25, "\n".join(s[:120] for s in statements)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: server-side prepared statements")
def test_a_process_building_contexts_over_and_over_plans_their_statements_once(lawyer, observer):  # type: ignore[no-untyped-def]
    """Planning was most of the database's time for a packet's short statements: with the
    production connection options (config/settings/base.py: database_options) a connection
    prepares a statement it has run POSTGRES_PREPARE_THRESHOLD times, and PostgreSQL can then
    reuse its plan instead of planning each execution again."""
    threshold = connection.settings_dict["OPTIONS"].get("prepare_threshold")
    assert threshold is not None, "prepared statements are off (POSTGRES_PREPARE_THRESHOLD)"
    case = CaseFactory(lawyers=[lawyer])
    _grow(case, lawyer, observer, 2)
    role_of(lawyer)

    def prepared_tables() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            rows = [sql for (sql,) in cursor.fetchall()]
        return {t for t in ("cases_witnessstatement", "citations_citation") for sql in rows if f'FROM "{t}"' in sql}

    for _ in range(threshold + 1):
        context = ctx.case_packet_context(case=case, user=lawyer)
    assert prepared_tables() == {"cases_witnessstatement", "citations_citation"}
    # Bound parameters, not text pasted into the SQL: the same statement serves every case.
    other = CaseFactory(lawyers=[lawyer])
    _grow(other, lawyer, observer, 1)
    assert ctx.case_packet_context(case=other, user=lawyer)["case"]["number"] == other.number
    assert context["case"]["number"] == case.number
