"""On PostgreSQL the main list, deadline and dashboard queries can be answered from an index.

The test tables are tiny, so the planner would rightly scan them whatever the indexes; with
sequential scans and sorts disabled for the transaction it still picks a plain scan when no
index fits, so a plan naming the index proves the index exists and serves the query. The plans
at full scale (generate_load_data) are recorded in docs/performance.md.

The dashboard's queries are built by the dashboard's own functions. Its citation groups count
every citation per event, so no index narrows them: what is pinned is that they reach the event
through the citation's case (its foreign-key index), the join the per-event groups need."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from cases.models import PACKET_EXPORT_NOTE, Case, CustodyEvent, Demonstrator, Incident
from citations.dashboard import citation_group_rows, deadline_rows
from citations.models import Citation, Deadline
from tests.factories import CaseFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are checked on PostgreSQL only"),
]


def plan_of(queryset) -> str:  # type: ignore[no-untyped-def]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def today():  # type: ignore[no-untyped-def]
    return timezone.localdate()


CASES = [
    ("citation list order", lambda: Citation.objects.order_by("-issued_at", "-id")[:50], "citation_issued_id_idx"),
    ("citations by status", lambda: Citation.objects.filter(status="answered").order_by().values("id"), "citation_status_groups_idx"),
    ("dashboard citation groups, per event", lambda: citation_group_rows(Citation.objects.all()), "citations_citation_case_id_"),
    # Its filter (status, kind, due date) fits two indexes; which one the planner picks on the
    # test's few rows varies with the factories' data, and either narrows the scan.
    ("dashboard deadlines, per event", lambda: deadline_rows(Deadline.objects.all(), today()), ("deadline_status_due_idx", "deadline_kind_status_due_idx")),
    ("appeal window", lambda: Citation.objects.filter(decided_on__gte=today() - datetime.timedelta(days=30)).order_by(), "citation_decided_idx"),
    ("hearings this week", lambda: Citation.objects.filter(hearing_at__gte=timezone.now(), hearing_at__lt=timezone.now() + datetime.timedelta(days=7)).order_by(), "citation_hearing_idx"),
    ("case list order", lambda: Case.objects.order_by("-opened_on", "-id")[:50], "case_opened_id_idx"),
    ("incident list order", lambda: Incident.objects.order_by("-occurred_at", "-id")[:50], "incident_occurred_id_idx"),
    # The plaintiff roster: which incidents of the event concern its people, and when.
    ("an event's incidents with their times", lambda: Incident.objects.filter(event_id=1).order_by().values_list("pk", "occurred_at"), "incident_event_at_id_idx"),
    ("incidents of one day", lambda: Incident.objects.filter(occurred_on=today()).order_by(), "incident_occurred_on_idx"),
    ("deadlines due soon", lambda: Deadline.objects.filter(status="open", due_on__gte=today(), due_on__lte=today() + datetime.timedelta(days=7)).order_by(), "deadline_status_due_idx"),
    ("deadline pages, soonest first", lambda: Deadline.objects.filter(status="open").order_by("due_at", "id")[:50], "deadline_status_due_at_idx"),
    # The merge queue's groups and the intake desk's exact lookups (a blind index with purged_at).
    ("people by phone (blind index)", lambda: Demonstrator.objects.filter(phone_index__in=["a" * 64]).order_by(), "person_phone_idx"),
    ("namesakes not purged (blind index)", lambda: Demonstrator.objects.filter(legal_name_index__in=["a" * 64], purged_at__isnull=True).order_by().values("pk"), "person_legal_name_idx"),
    ("a packet's custody logs, without its export events", lambda: CustodyEvent.objects.filter(evidence_id__in=[1, 2]).exclude(note=PACKET_EXPORT_NOTE).order_by(), "custody_shown_idx"),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "build", "index"), CASES, ids=[c[0] for c in CASES])
def test_query_uses_its_index(name, build, index):
    CaseFactory.create_batch(3)
    queryset = build()
    plan = plan_of(queryset)
    accepted = index if isinstance(index, tuple) else (index,)
    assert any(name_ in plan for name_ in accepted), f"{name}: expected one of {accepted} in\n{plan}"
    if queryset.query.where:  # a filter: the index must narrow it, not merely be walked
        assert "Index Cond" in plan, plan
