"""The court calendar as data: Philadelphia's closures for 2026 and 2027 decide the business
days. Expected dates come from a small oracle in this file (the rule text: "within 10 days after
issuance", the last day omitted when the court is closed, 1 Pa.C.S. § 1908; and the courts'
published list), never from the tracker's own functions."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from cases.models import AuditEntry
from citations.deadlines import compute_due_detail, court_calendar
from citations.models import CitationKind, CourtClosure, Deadline, DeadlineKind, DeadlineRule
from citations.services import court_closure_delete, court_closure_save
from tests.citations.conftest import PHL, local

d = datetime.date

# The Philadelphia courts' confirmed closures (First Judicial District list pattern), typed in
# by hand: observed Fridays, Election Day and Flag Day are not on it.
CONFIRMED = {
    d(2026, 1, 1), d(2026, 1, 19), d(2026, 2, 16), d(2026, 4, 3), d(2026, 5, 25), d(2026, 6, 19), d(2026, 9, 7),
    d(2026, 10, 12), d(2026, 11, 11), d(2026, 11, 26), d(2026, 11, 27), d(2026, 12, 25),
    d(2027, 1, 1), d(2027, 1, 18), d(2027, 2, 15), d(2027, 3, 26), d(2027, 5, 31), d(2027, 7, 5), d(2027, 9, 6),
    d(2027, 10, 11), d(2027, 11, 11), d(2027, 11, 25), d(2027, 11, 26),
}  # fmt: skip
UNCONFIRMED = {d(2026, 7, 3), d(2026, 11, 3), d(2027, 6, 14), d(2027, 6, 18), d(2027, 11, 2), d(2027, 12, 24),
               d(2027, 12, 31)}  # fmt: skip


def oracle_ten_days(issued: datetime.date) -> datetime.date:
    """Rules 403(B)(2), 407-408: ten days after issuance; a last day on a weekend or a closure is
    omitted. (In Philadelphia a non-traffic summary citation follows Rule 1002 instead, with no
    10-day plea: the traffic citation's 10-day answer is the one counted on Philadelphia's calendar.)"""
    day = issued + datetime.timedelta(days=10)
    while day.weekday() >= 5 or day in CONFIRMED:
        day += datetime.timedelta(days=1)
    return day


def respond(citation) -> Deadline:  # type: ignore[no-untyped-def]
    return Deadline.objects.get(citation=citation, kind=DeadlineKind.RESPOND)


@pytest.mark.django_db
def test_the_seeded_calendar_is_philadelphias_with_its_sources():
    closures = {c.day: c for c in CourtClosure.objects.filter(court="phl-fjd")}
    assert {day for day, c in closures.items() if not c.uncertain} == CONFIRMED
    assert {day for day, c in closures.items() if c.uncertain} == UNCONFIRMED
    assert closures[d(2026, 4, 3)].name == "Good Friday" and closures[d(2027, 3, 26)].name == "Good Friday"
    assert all("courts.phila.gov" in c.source or "unconfirmed" in c.source for c in closures.values())


@pytest.mark.parametrize(
    ("issued", "why"),
    [
        (d(2026, 3, 24), "Good Friday 2026-04-03"),
        (d(2027, 3, 16), "Good Friday 2027-03-26"),
        (d(2027, 12, 21), "Fri 2027-12-31, New Year's Day observed, unconfirmed: not moved to 2028"),
        (d(2027, 6, 8), "Fri 2027-06-18, Juneteenth observed, unconfirmed"),
        (d(2026, 10, 24), "Election Day 2026-11-03, unconfirmed"),
        (d(2027, 6, 4), "Flag Day 2027-06-14, unconfirmed"),
        (d(2026, 11, 17), "Thanksgiving and the day after, then the weekend"),
    ],
)
def test_a_response_window_ends_on_the_courts_next_open_day(make_citation, clock, issued, why):
    clock(issued.year, issued.month, issued.day, 20)
    citation = make_citation(kind=CitationKind.TRAFFIC, issued_at=local(issued.year, issued.month, issued.day, 12))
    due = respond(citation)
    assert due.due_on == oracle_ten_days(issued), why
    assert due.due_at == datetime.datetime.combine(due.due_on, datetime.time(23, 59, 59), tzinfo=PHL)
    unrolled = issued + datetime.timedelta(days=10)
    assert due.uncertain_closure_on == (unrolled if unrolled in UNCONFIRMED else None), why


@pytest.mark.django_db
def test_every_issue_day_of_2026_and_2027_agrees_with_the_oracle():
    rule = DeadlineRule.objects.get(code="pa-summary-respond")
    calendar = court_calendar()
    day = d(2026, 1, 1)
    while day <= d(2027, 12, 21):
        due = compute_due_detail(
            rule=rule, trigger=local(day.year, day.month, day.day, 23, 59), tz=PHL, jurisdiction="PA",
            place="PA-PHL", calendar=calendar,
        )  # fmt: skip
        assert due.due_on == oracle_ten_days(day), day
        day += datetime.timedelta(days=1)


def test_entering_a_closure_moves_the_deadlines_and_removing_it_moves_them_back(make_citation, clock, coordinator):
    clock(2026, 6, 2, 9)
    citation = make_citation(kind=CitationKind.TRAFFIC, issued_at=local(2026, 6, 1, 10))
    assert respond(citation).due_on == d(2026, 6, 11)
    closure = court_closure_save(
        court="phl-fjd", day=d(2026, 6, 11), name="Snow day (order)", source="Administrative order 3 of 2026",
        uncertain=False, by=coordinator,
    )  # fmt: skip
    assert respond(citation).due_on == d(2026, 6, 12)
    assert closure.entered_by == coordinator
    assert AuditEntry.objects.filter(action="court_closure.create", details__count=1).exists()
    court_closure_delete(closure=closure, by=coordinator)
    assert respond(citation).due_on == d(2026, 6, 11)


def test_confirming_an_observed_friday_moves_the_deadline_past_it(make_citation, clock, coordinator):
    clock(2027, 12, 21, 20)
    citation = make_citation(kind=CitationKind.TRAFFIC, issued_at=local(2027, 12, 21, 12))
    assert (respond(citation).due_on, respond(citation).uncertain_closure_on) == (d(2027, 12, 31), d(2027, 12, 31))
    court_closure_save(
        court="phl-fjd", day=d(2027, 12, 31), name="New Year's Day (observed)",
        source="https://www.courts.phila.gov/holidays/ (2027 list)", uncertain=False, by=coordinator,
    )  # fmt: skip
    assert (respond(citation).due_on, respond(citation).uncertain_closure_on) == (d(2028, 1, 3), None)


def test_a_closure_needs_a_source(coordinator, db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        court_closure_save(
            court="phl-fjd", day=d(2026, 6, 11), name="Snow", source=" ", uncertain=False, by=coordinator
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "warned"),
    [(d(2027, 9, 30), False), (d(2027, 10, 1), True), (d(2026, 10, 1), False)],
)
def test_the_coordinators_home_says_when_next_years_calendar_is_missing(client_for, coordinator, today, warned):
    with time_machine.travel(local(today.year, today.month, today.day, 12), tick=False):
        page = client_for(coordinator).get("/coordination/").content.decode()
    assert ("court calendar of" in page and f"for {today.year + 1} is not entered" in page) == warned


@pytest.mark.django_db
def test_coordinators_enter_closures_on_their_page_and_lawyers_may_not(client_for, coordinator, lawyer):
    client = client_for(coordinator)
    page = client.get("/coordination/court-calendar/?court=phl-fjd&year=2027").content.decode()
    assert "Good Friday" in page and "Fri 26 Mar 2027" in page and "uncertain" in page
    response = client.post(
        "/coordination/court-calendar/",
        {"action": "save", "court": "phl-fjd", "day": "2027-02-01", "name": "Snow day", "source": "Order 1 of 2027"},
    )
    assert response.status_code == 302
    saved = CourtClosure.objects.get(court="phl-fjd", day=d(2027, 2, 1))
    assert (saved.entered_by, saved.uncertain) == (coordinator, False)
    assert client.post("/coordination/court-calendar/", {"action": "save", "court": "phl-fjd"}).status_code == 400
    client.post("/coordination/court-calendar/", {"action": "delete", "closure": saved.pk})
    assert not CourtClosure.objects.filter(pk=saved.pk).exists()
    assert client_for(lawyer).get("/coordination/court-calendar/").status_code == 403


@pytest.mark.django_db
def test_the_page_lists_the_unconfirmed_entries_and_where_to_check(client_for, coordinator):
    page = client_for(coordinator).get("/coordination/court-calendar/?court=phl-fjd&year=2027").content.decode()
    box = page.split('id="unconfirmed-closures"')[1].split("</div>")[0]
    # 2027's unconfirmed days typed from the list above: the observed Fridays, Election and Flag Day.
    for day in ("Mon 14 Jun 2027", "Fri 18 Jun 2027", "Tue 2 Nov 2027", "Fri 24 Dec 2027", "Fri 31 Dec 2027"):
        assert day in box
    assert "5 entries for 2027 are not confirmed" in box and "Good Friday" not in box
    assert 'id="seeded-closures"' in page
    assert '<a href="https://www.courts.phila.gov/holidays/">' in page.split('id="where-to-check"')[1]


def test_the_packet_and_the_feed_name_an_unconfirmed_closure(make_citation, clock, lawyer):
    from cases.models import Case
    from citations.calendar import calendar_feed_ics
    from documents.context import case_packet_context

    clock(2027, 12, 21, 20)
    citation = make_citation(kind=CitationKind.TRAFFIC, issued_at=local(2027, 12, 21, 12))  # due Fri 31 Dec
    case = Case.objects.get(pk=citation.case_id)
    case.lawyers.add(lawyer)
    warning = "The court may be closed on 2027-12-31 (not confirmed): check."
    rows = case_packet_context(case=case, user=lawyer)["deadlines"]
    assert any(warning in row["source"] for row in rows)
    assert warning in calendar_feed_ics(user=lawyer).decode().replace("\r\n ", "")
