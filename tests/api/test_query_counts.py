"""Every list endpoint issues the same number of SQL queries for 1 row and for 50 rows."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import ArrestSeen, ForceType, IncidentOfficer
from cases.services import evidence_add
from claims.models import Allegation
from custody.models import CustodyPlace
from custody.services.board import arrest_move
from tests.api.conftest import client_with_token
from tests.api.test_role_matrix import ROUTES
from tests.custody.fakes import make_hotline_entry
from tests.factories import (
    ArrestFactory,
    CaseFactory,
    CitationFactory,
    ComplaintFactory,
    EventFactory,
    IncidentFactory,
    OfficerFactory,
    WitnessStatementFactory,
)


def _cases(ctx: dict[str, Any], n: int) -> list[Any]:
    return [CaseFactory(event=ctx["event"], lawyers=[ctx["lawyer"]]) for _ in range(n)]


def grow_events(ctx: dict[str, Any], n: int) -> None:
    EventFactory.create_batch(n)


def grow_demonstrators(ctx: dict[str, Any], n: int) -> None:
    _cases(ctx, n)


def grow_cases(ctx: dict[str, Any], n: int) -> None:
    _cases(ctx, n)


def grow_arrests(ctx: dict[str, Any], n: int) -> None:
    for case in _cases(ctx, n):
        ArrestFactory(case=case)


def grow_officers(ctx: dict[str, Any], n: int) -> None:
    target = OfficerFactory()
    for officer in OfficerFactory.create_batch(n):
        officer.merged_into = target if officer.pk % 2 else None
        officer.save()


def grow_incidents(ctx: dict[str, Any], n: int) -> None:
    forces = list(ForceType.objects.all()[:2])
    officer = OfficerFactory()
    for case in _cases(ctx, n):
        incident = IncidentFactory(reporter=ctx["observer"], event=ctx["event"])
        incident.people_affected.add(case)
        incident.force_types.set(forces)
        IncidentOfficer.objects.create(incident=incident, officer=officer)
        IncidentOfficer.objects.create(incident=incident, officer=OfficerFactory())
        ArrestSeen.objects.create(incident=incident, case=case, person_description="Yellow coat")


def grow_complaints(ctx: dict[str, Any], n: int) -> None:
    forces = list(ForceType.objects.all()[:2])
    for case in _cases(ctx, n):
        complaint = ComplaintFactory(case=case)
        complaint.force_types.set(forces)
        complaint.officers.set([OfficerFactory()])
        complaint.incidents.set([IncidentFactory(reporter=ctx["observer"], event=ctx["event"])])


def grow_statements(ctx: dict[str, Any], n: int) -> None:
    for case in _cases(ctx, n):
        WitnessStatementFactory(case=case, taken_by=ctx["lawyer"])


def grow_evidence(ctx: dict[str, Any], n: int) -> None:
    for case in _cases(ctx, n):
        evidence_add(
            upload=ContentFile(b"note\n", name="n.txt"), kind="document", content_type="text/plain",
            by=ctx["lawyer"], case=case,
        )  # fmt: skip


def grow_citations(ctx: dict[str, Any], n: int) -> None:
    from citations.services import citation_create, payment_record

    for case in _cases(ctx, n):
        citation = citation_create(
            case=case, by=ctx["lawyer"], number=f"SC-{case.pk}", kind="pa_summary", offense_code="18 Pa.C.S. § 5502",
            issued_at=timezone.now() - datetime.timedelta(days=1), fine=Decimal("50.00"),
            issuing_officer=OfficerFactory(),
        )  # fmt: skip
        payment_record(
            citation=citation, amount="10.00", payer="bail_fund", paid_on=timezone.localdate(), by=ctx["lawyer"]
        )


def grow_deadlines(ctx: dict[str, Any], n: int) -> None:
    grow_citations(ctx, n)  # each statewide citation gets its answer deadline from the rules


def grow_packet_batches(ctx: dict[str, Any], n: int) -> None:
    from tests.documents.fakes import make_finished_batch

    for case in _cases(ctx, n):
        make_finished_batch(case=case, by=ctx["lawyer"])


def grow_allegations(ctx: dict[str, Any], n: int) -> None:
    force = ForceType.objects.first()
    for case in _cases(ctx, n):
        complaint = ComplaintFactory(case=case)
        incident = IncidentFactory(reporter=ctx["observer"], event=ctx["event"])
        Allegation.objects.create(complaint=complaint, officer=OfficerFactory(), force_type=force, incident=incident)


def grow_hotline(ctx: dict[str, Any], n: int) -> None:
    for _ in range(n):
        make_hotline_entry(event=ctx["event"], by=ctx["coordinator"], medical_needs="insulin")


def grow_places(ctx: dict[str, Any], n: int) -> None:
    for _ in range(n):
        place = CustodyPlace.objects.create(name=f"Annex {CustodyPlace.objects.count()}")
        arrest_move(arrest=ArrestFactory(case__event=ctx["event"]), stage="held", place=place, by=ctx["coordinator"])


# list route -> (path, who lists, how to add rows in their scope); "{event}" is the test's event

LISTS: dict[str, tuple[str, str, Callable[[dict[str, Any], int], None]]] = {
    "event-list": ("/api/v1/events/", "observer", grow_events),
    "demonstrator-list": ("/api/v1/demonstrators/", "lawyer", grow_demonstrators),
    "case-list": ("/api/v1/cases/", "lawyer", grow_cases),
    "arrest-list": ("/api/v1/arrests/", "lawyer", grow_arrests),
    "officer-list": ("/api/v1/officers/", "lawyer", grow_officers),
    "incident-list": ("/api/v1/incidents/", "lawyer", grow_incidents),
    "complaint-list": ("/api/v1/complaints/", "lawyer", grow_complaints),
    "allegation-list": ("/api/v1/allegations/", "lawyer", grow_allegations),
    "statement-list": ("/api/v1/witness-statements/", "lawyer", grow_statements),
    "evidence-list": ("/api/v1/evidence/", "lawyer", grow_evidence),
    "citation-list": ("/api/v1/citations/", "lawyer", grow_citations),
    "deadline-list": ("/api/v1/deadlines/", "lawyer", grow_deadlines),
    "packet-batch-list": ("/api/v1/packets/", "lawyer", grow_packet_batches),
    "hotline-list": ("/api/v1/hotline/?event={event}", "coordinator", grow_hotline),
    "custody-place-list": ("/api/v1/custody/places/", "coordinator", grow_places),
}
NOT_ROW_LISTS: set[str] = set()  # (the dashboard is not a list route; its budget is pinned below)


def test_every_list_route_has_a_query_count_check():
    lists = {name for name, method in ROUTES if method == "get" and name.endswith("-list")}
    assert lists - NOT_ROW_LISTS <= set(LISTS), f"list routes without a query-count check: {lists - set(LISTS)}"


def _count(client: Any, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    rows = body if isinstance(body, list) else body["results"]  # (the packet batch list is not paginated)
    return len(captured.captured_queries), len(rows)


@pytest.mark.parametrize("name", sorted(LISTS))
@pytest.mark.parametrize("who", ["role", "coordinator"])
def test_same_queries_for_1_and_50_rows(name, who, observer, lawyer, coordinator):
    path, role, grow = LISTS[name]
    user = {"observer": observer, "lawyer": lawyer, "coordinator": coordinator}[role] if who == "role" else coordinator
    # In Pennsylvania outside Philadelphia, so statewide-track citations get their 10-day answer.
    ctx = {"event": EventFactory(jurisdiction="PA"), "lawyer": lawyer, "observer": observer, "coordinator": coordinator}
    path = path.format(event=ctx["event"].public_id)
    grow(ctx, 1)
    client = client_with_token(user)
    client.get(path)  # warm per-process caches (content types, force types) out of the count
    one, rows_one = _count(client, path)
    grow(ctx, 49)
    fifty, rows_fifty = _count(client, path)
    assert rows_one >= 1 and rows_fifty == 50  # the default page size
    assert one == fifty, f"{path} as {who}: {one} queries for {rows_one} rows, {fifty} for {rows_fifty}"
    # auth (token, role) + count + page + prefetches + the audit entry (a few statements): small and fixed
    assert fifty <= 16, f"{path}: {fifty} queries"


@pytest.mark.django_db
def test_the_dashboard_request_takes_ten_queries_whatever_the_data(organizer, django_assert_num_queries):
    """docs/api.md: the token, the role, the seven aggregates and the claims app's findings per
    allegation (run one after another here, on the request's connection, since the test is a
    transaction), for one case or thirty."""
    client = client_with_token(organizer)
    client.get("/api/v1/dashboard/")  # the token's first use is written down once (last_used_at)
    counts = []
    for n in (1, 30):
        for _ in range(n):
            CitationFactory(case=CaseFactory())
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/dashboard/").status_code == 200
        counts.append(len(captured))
    assert counts == [10, 10]
