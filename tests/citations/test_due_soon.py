"""What is due (for a lawyer: their cases; for a coordinator: everything; for anyone else:
nothing), what is overdue, by event, kind and lawyer, and the hearing docket; each in a constant
number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Demonstrator
from cases.roles import role_of
from citations import services
from citations.models import CitationKind, DeadlineKind, Response
from citations.selectors import (
    deadline_list,
    deadline_title,
    deadlines_due,
    deadlines_in_pages,
    deadlines_overdue,
    hearing_docket,
)
from tests.citations.conftest import local
from tests.factories import CaseFactory, DemonstratorFactory, EventFactory

d = datetime.date


@pytest.fixture
def cases(pa_event, lawyer, other_lawyer):  # type: ignore[no-untyped-def]
    return {
        "mine": CaseFactory(event=pa_event, lawyers=[lawyer]),
        "theirs": CaseFactory(event=pa_event, lawyers=[other_lawyer]),
        "unassigned": CaseFactory(event=pa_event),
    }


def touch(deadlines):  # type: ignore[no-untyped-def]
    """Read what a due-soon page shows for each row."""
    return [
        (dl.due_at, deadline_title(dl), dl.case.event.name, dl.rule.source, dl.citation.number if dl.citation else "",
         [lw.username for lw in dl.case.lawyers.all()])
        for dl in deadlines
    ]  # fmt: skip


def test_due_soon_is_scoped_by_role(
    cases, make_citation, lawyer, other_lawyer, coordinator, organizer, observer, clock
):
    clock(2026, 6, 2, 9)
    mine = make_citation(kind=CitationKind.PA_SUMMARY, case=cases["mine"])
    make_citation(kind=CitationKind.PHL_CVN, case=cases["theirs"], jurisdiction="PA-PHL")
    make_citation(kind=CitationKind.PHL_CVN, case=cases["unassigned"], jurisdiction="PA-PHL")
    assert [x.citation_id for x in deadlines_due(user=lawyer, within_days=14)] == [mine.pk]
    assert len(deadlines_due(user=other_lawyer, within_days=14)) == 1
    assert len(deadlines_due(user=coordinator, within_days=14)) == 3
    assert list(deadlines_due(user=organizer, within_days=14)) == []
    assert list(deadlines_due(user=observer, within_days=14)) == []
    assert [x.case_id for x in deadlines_due(user=coordinator, within_days=14, lawyer=lawyer)] == [cases["mine"].pk]


def test_the_window_includes_today_and_the_last_day(cases, make_citation, coordinator, clock):
    clock(2026, 6, 2, 9)
    make_citation(kind=CitationKind.PA_SUMMARY, case=cases["mine"], issued_at=local(2026, 6, 1, 12))  # due 11 June
    assert len(deadlines_due(user=coordinator, within_days=9, today=d(2026, 6, 2))) == 1
    assert len(deadlines_due(user=coordinator, within_days=8, today=d(2026, 6, 2))) == 0
    assert len(deadlines_due(user=coordinator, within_days=0, today=d(2026, 6, 11))) == 1
    assert len(deadlines_due(user=coordinator, within_days=7, today=d(2026, 6, 12))) == 0
    assert len(deadlines_overdue(user=coordinator, today=d(2026, 6, 11))) == 0
    assert len(deadlines_overdue(user=coordinator, today=d(2026, 6, 12))) == 1


def test_today_defaults_to_the_pinned_clock(cases, make_citation, lawyer, clock):
    clock(2026, 6, 2, 9)
    make_citation(kind=CitationKind.PA_SUMMARY, case=cases["mine"], issued_at=local(2026, 6, 1, 12))
    assert len(deadlines_due(user=lawyer, within_days=7)) == 0
    clock(2026, 6, 5, 9)
    assert len(deadlines_due(user=lawyer, within_days=7)) == 1
    clock(2026, 6, 12, 9)
    assert [x.kind for x in deadlines_overdue(user=lawyer)] == [DeadlineKind.RESPOND]


def test_met_deadlines_are_not_due(cases, make_citation, lawyer, coordinator, clock):
    clock(2026, 6, 2, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY, case=cases["mine"])
    services.citation_record_response(
        citation=citation, response=Response.NOT_GUILTY, at=local(2026, 6, 2, 8), by=coordinator
    )
    assert list(deadlines_due(user=lawyer, within_days=30)) == []
    clock(2026, 6, 20, 9)
    assert list(deadlines_overdue(user=lawyer)) == []


def test_by_event_and_kind(cases, make_citation, coordinator, clock):
    clock(2026, 6, 2, 9)
    other_event = EventFactory(name="Second march")
    make_citation(kind=CitationKind.PA_SUMMARY, case=cases["mine"])
    make_citation(kind=CitationKind.PHL_CVN, case=CaseFactory(event=other_event))
    assert [x.kind for x in deadlines_due(user=coordinator, within_days=30, event=other_event)] == [
        DeadlineKind.PAY_OR_DISPUTE
    ]
    assert len(deadlines_due(user=coordinator, within_days=30, kind=DeadlineKind.RESPOND)) == 1
    assert len(deadline_list(user=coordinator, status="open", due_from=d(2026, 6, 11), due_to=d(2026, 6, 11))) == 2


def test_titles_carry_case_number_and_kind_never_a_name(cases, make_citation, coordinator, clock):
    clock(2026, 6, 2, 9)
    make_citation(kind=CitationKind.PA_SUMMARY, case=cases["mine"])
    (due,) = deadlines_due(user=coordinator, within_days=30)
    assert deadline_title(due) == f"{cases['mine'].number} · Respond to the citation (plea) (warrant risk)"
    assert cases["mine"].demonstrator.legal_name not in deadline_title(due)


@pytest.mark.parametrize("rows", [1, 30])
def test_due_soon_query_count_is_constant(rows, pa_event, make_citation, lawyer, coordinator, clock,
                                          django_assert_max_num_queries):  # fmt: skip
    clock(2026, 6, 2, 9)
    for _ in range(rows):
        make_citation(kind=CitationKind.PA_SUMMARY, case=CaseFactory(event=pa_event, lawyers=[lawyer]))
    for user in (lawyer, coordinator):
        user = type(user).objects.get(pk=user.pk)  # no cached role
        # role (1), deadlines joined to case, event, rule and citation (1), assigned lawyers (1)
        with django_assert_max_num_queries(3):
            shown = touch(deadlines_due(user=user, within_days=30))
        assert len(shown) == rows
        with django_assert_max_num_queries(2):
            assert len(touch(deadlines_overdue(user=user, today=d(2026, 6, 20)))) == rows


# --- going through every due deadline a page at a time -------------------------------------


def test_the_due_selector_reads_nothing_until_asked(cases, make_citation, coordinator, clock):
    clock(2026, 6, 2, 9)
    make_citation(kind=CitationKind.PA_SUMMARY, case=cases["mine"])
    with CaptureQueriesContext(connection) as built:
        due = deadlines_due(user=coordinator, within_days=30)
        pages = deadlines_in_pages(due, size=10)
    assert not [q for q in built.captured_queries if "citations_deadline" in q["sql"]]
    assert [dl.case_id for page in pages for dl in page] == [cases["mine"].pk]


@pytest.mark.parametrize("rows", [25, 30])  # a short last page; pages that fill exactly
def test_every_due_deadline_a_page_at_a_time_in_a_fixed_number_of_queries(
    rows, pa_event, make_citation, lawyer, coordinator, clock, django_assert_num_queries
):
    clock(2026, 6, 2, 9)
    for _ in range(rows):
        # same issue time: every deadline is due at the same moment, so only the id orders them
        make_citation(kind=CitationKind.PA_SUMMARY, case=CaseFactory(event=pa_event, lawyers=[lawyer]))
    user = type(coordinator).objects.get(pk=coordinator.pk)
    role_of(user)  # the role is read once per request, not per page
    expected = list(deadlines_due(user=user, within_days=30).values_list("id", flat=True))
    assert len(expected) == rows and len({dl.due_at for dl in deadlines_due(user=user, within_days=30)}) == 1
    pages = deadlines_in_pages(deadlines_due(user=user, within_days=30), size=10)
    seen = []
    for _ in range(3):
        # deadlines joined to case, event, rule, citation and complaint (1), their lawyers (1)
        with django_assert_num_queries(2):
            page = next(pages)
        assert len(page) == 10 or (len(page) == rows % 10 and len(seen) == 20)
        seen.extend(touch(page))
    # a last page that came back full asks once more (1 query, nothing to prefetch)
    with django_assert_num_queries(1 if rows % 10 == 0 else 0):
        assert next(pages, None) is None
    assert [row[0] for row in seen] == sorted(row[0] for row in seen)
    assert len(seen) == rows
    ids = [dl.pk for page in deadlines_in_pages(deadlines_due(user=user, within_days=30), size=7) for dl in page]
    assert ids == expected  # every row once, in the selector's order, whatever the page size


def test_paging_keeps_the_selectors_scope_and_filters(cases, make_citation, lawyer, coordinator, clock):
    clock(2026, 6, 2, 9)
    mine = [make_citation(kind=CitationKind.PA_SUMMARY, case=cases["mine"]) for _ in range(3)]
    make_citation(kind=CitationKind.PHL_CVN, case=cases["theirs"], jurisdiction="PA-PHL")
    paged = deadlines_in_pages(deadlines_due(user=lawyer, within_days=30), size=2)
    assert sorted(dl.citation_id for page in paged for dl in page) == sorted(c.pk for c in mine)
    everyone = deadlines_in_pages(deadlines_due(user=coordinator, within_days=30, lawyer=lawyer), size=2)
    assert len([dl for page in everyone for dl in page]) == 3


# --- the hearing docket -------------------------------------------------------------------


def test_hearing_docket_lists_defendants_citations_pleas_and_lawyers(
    pa_event, make_citation, lawyer, coordinator, clock
):
    clock(2026, 6, 3, 9)
    person = DemonstratorFactory(legal_name="Rosa Delgado", preferred_name="R. Delgado")
    case = CaseFactory(event=pa_event, demonstrator=person, lawyers=[lawyer])
    first = make_citation(
        kind=CitationKind.PHL_SUMMARY_NTA, case=case, hearing_at=local(2026, 6, 24, 9), courtroom="1104"
    )
    second = make_citation(
        kind=CitationKind.PHL_SUMMARY_NTA, case=case, hearing_at=local(2026, 6, 24, 9), courtroom="1104"
    )
    services.citation_record_response(
        citation=first, response=Response.NOT_GUILTY, at=local(2026, 6, 3, 8), by=coordinator
    )
    make_citation(kind=CitationKind.PHL_SUMMARY_NTA, hearing_at=local(2026, 6, 24, 13), courtroom="306")
    make_citation(kind=CitationKind.PHL_SUMMARY_NTA, hearing_at=local(2026, 6, 25, 0, 30), courtroom="1104")  # next day

    docket = hearing_docket(user=coordinator, date=d(2026, 6, 24))
    assert [(e.case_number, e.courtroom) for e in docket] == [(case.number, "1104"), (docket[1].case_number, "306")]
    entry = docket[0]
    assert entry.name == "R. Delgado"  # the preferred name
    assert entry.lawyers == [lawyer.username]
    assert [(c.number, c.response) for c in entry.citations] == [(first.number, "not_guilty"), (second.number, "")]
    assert len(hearing_docket(user=coordinator, date=d(2026, 6, 24), courtroom="306")) == 1
    assert [e.case_number for e in hearing_docket(user=lawyer, date=d(2026, 6, 24))] == [case.number]


def test_hearing_docket_is_empty_for_roles_without_client_files(pa_event, make_citation, organizer, observer, clock):
    clock(2026, 6, 3, 9)
    make_citation(kind=CitationKind.PHL_SUMMARY_NTA, hearing_at=local(2026, 6, 24, 9))
    assert hearing_docket(user=organizer, date=d(2026, 6, 24)) == []
    assert hearing_docket(user=observer, date=d(2026, 6, 24)) == []


@pytest.mark.parametrize("rows", [1, 25])
def test_hearing_docket_query_count_is_constant(rows, pa_event, make_citation, lawyer, coordinator, clock,
                                                django_assert_max_num_queries):  # fmt: skip
    clock(2026, 6, 3, 9)
    for i in range(rows):
        case = CaseFactory(event=pa_event, lawyers=[lawyer])
        make_citation(
            kind=CitationKind.PHL_SUMMARY_NTA, case=case, hearing_at=local(2026, 6, 24, 9, i), courtroom="1104"
        )
    user = type(coordinator).objects.get(pk=coordinator.pk)
    # role (1), citations joined to case, event and person (1), lawyers (1)
    with django_assert_max_num_queries(3):
        docket = hearing_docket(user=user, date=d(2026, 6, 24))
    assert len(docket) == rows and all(isinstance(e.name, str) and e.name for e in docket)
    assert Demonstrator.objects.count() == rows
