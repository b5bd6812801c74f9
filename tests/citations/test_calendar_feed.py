"""A lawyer's private calendar feed: parses back (icalendar) with the same events as the
deadlines and hearings of their cases, carries no client's name, and answers 404 once revoked,
replaced, locked down or for anyone no longer a lawyer."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from cases.models import AuditEntry
from cases.signals import lockdown_activated
from citations import services
from citations.calendar import calendar_feed_issue, calendar_feed_revoke
from citations.models import CalendarFeedToken, CitationKind, ClerkOfficeHours, Court, Deadline, DeadlineKind, Response
from tests.citations.conftest import local
from tests.factories import CaseFactory, DemonstratorFactory


@pytest.fixture
def docket(phl_event, pa_event, make_citation, lawyer, other_lawyer, coordinator, clock):  # type: ignore[no-untyped-def]
    clock(2026, 6, 3, 9)
    # A statewide-track citation outside Philadelphia (in Philadelphia Rule 1002 governs it), at a
    # court whose clerk's hours are entered.
    ClerkOfficeHours.objects.create(
        court=Court.PENNSYLVANIA, office="Magisterial district court", weekdays="01234",
        opens=datetime.time(8, 0), closes=datetime.time(16, 0), source="https://www.pacourts.us/", uncertain=True,
    )  # fmt: skip
    mine = CaseFactory(event=pa_event, lawyers=[lawyer], demonstrator=DemonstratorFactory(legal_name="Aisha Okafor"))
    hers = CaseFactory(event=phl_event, lawyers=[lawyer], demonstrator=DemonstratorFactory(legal_name="José Ramírez"))
    theirs = CaseFactory(event=phl_event, lawyers=[other_lawyer], demonstrator=DemonstratorFactory(legal_name="Li Wei"))
    summary = make_citation(kind=CitationKind.PA_SUMMARY, case=mine, issued_at=local(2026, 6, 1, 23, 59))
    nta = make_citation(
        kind=CitationKind.PHL_SUMMARY_NTA, case=hers, hearing_at=local(2026, 6, 24, 9), courtroom="1104"
    )
    answered = make_citation(kind=CitationKind.PHL_CVN, case=hers)
    services.citation_record_response(
        citation=answered, response=Response.PAID, at=local(2026, 6, 2, 9), by=coordinator
    )
    make_citation(kind=CitationKind.PHL_CVN, case=theirs)
    return {"mine": mine, "hers": hers, "theirs": theirs, "summary": summary, "nta": nta}


def fetch(client, token):  # type: ignore[no-untyped-def]
    return client.get(f"/citations/calendar/{token}.ics")


def test_feed_parses_back_with_the_same_events_and_no_names(docket, lawyer, client):
    token = calendar_feed_issue(user=lawyer, by=lawyer)
    response = fetch(client, token)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    calendar = Calendar.from_ical(response.content)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    respond = Deadline.objects.get(citation=docket["summary"], kind=DeadlineKind.RESPOND)
    assert set(events) == {f"deadline-{respond.public_id}@tracker", f"hearing-{docket['nta'].public_id}@tracker"}
    due = events[f"deadline-{respond.public_id}@tracker"]
    assert str(due["SUMMARY"]) == f"{docket['mine'].number} · Respond to the citation (plea) (warrant risk)"
    assert due.decoded("DTSTART") == datetime.date(2026, 6, 11)
    assert due.decoded("DTEND") == datetime.date(2026, 6, 12)
    assert "403(B)(2)" in str(due["DESCRIPTION"]) and "File by 16:00 on 2026-06-11 at the clerk's office" in str(
        due["DESCRIPTION"]
    )
    assert due.walk("VALARM")[0].decoded("TRIGGER") == -datetime.timedelta(days=3)
    hearing = events[f"hearing-{docket['nta'].public_id}@tracker"]
    assert str(hearing["SUMMARY"]).startswith(f"{docket['hers'].number} · Hearing")
    assert hearing.decoded("DTSTART") == local(2026, 6, 24, 9)
    assert hearing.decoded("DTEND") == local(2026, 6, 24, 10)
    assert str(hearing["LOCATION"]) == "Courtroom 1104"
    body = response.content.decode()
    for name in ("Aisha", "Okafor", "José", "Ramírez", "Li Wei", docket["theirs"].number):
        assert name not in body
    assert AuditEntry.objects.filter(action="calendar.fetch", actor=lawyer, details__count=2).exists()


def test_new_events_appear_and_met_deadlines_leave(docket, lawyer, coordinator, client):
    token = calendar_feed_issue(user=lawyer, by=lawyer)
    services.citation_record_response(
        citation=docket["summary"], response=Response.NOT_GUILTY, at=local(2026, 6, 3, 8), by=coordinator
    )
    services.citation_schedule_hearing(
        citation=docket["summary"], hearing_at=local(2026, 7, 2, 13), courtroom="3", by=coordinator
    )
    uids = {str(e["UID"]) for e in Calendar.from_ical(fetch(client, token).content).walk("VEVENT")}
    assert uids == {f"hearing-{docket['nta'].public_id}@tracker", f"hearing-{docket['summary'].public_id}@tracker"}


@pytest.mark.parametrize("rows", [1, 15])
def test_feed_query_count_is_constant(
    rows, pa_event, make_citation, lawyer, client, clock, django_assert_max_num_queries
):
    clock(2026, 6, 3, 9)
    for _ in range(rows):
        case = CaseFactory(event=pa_event, lawyers=[lawyer])
        make_citation(kind=CitationKind.PHL_SUMMARY_NTA, case=case, hearing_at=local(2026, 6, 24, 9))
        make_citation(kind=CitationKind.PA_SUMMARY, case=case)
    token = calendar_feed_issue(user=lawyer, by=lawyer)
    # token and user, last-used stamp, role, deadlines, hearings, then the audit entry (5) and session noise
    with django_assert_max_num_queries(14):
        response = fetch(client, token)
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 2 * rows


def test_feed_reads_deadlines_a_page_at_a_time(pa_event, make_citation, lawyer, client, clock, monkeypatch):
    clock(2026, 6, 3, 9)
    for _ in range(15):
        make_citation(kind=CitationKind.PA_SUMMARY, case=CaseFactory(event=pa_event, lawyers=[lawyer]))
    monkeypatch.setattr("citations.calendar.FEED_PAGE_SIZE", 4)
    token = calendar_feed_issue(user=lawyer, by=lawyer)
    with CaptureQueriesContext(connection) as fetched:
        response = fetch(client, token)
    # the 15 deadlines (all due at the same moment) in 4 pages of at most 4, one query each
    deadline_reads = [q for q in fetched.captured_queries if 'FROM "citations_deadline"' in q["sql"]]
    assert len(deadline_reads) == 4
    uids = [str(e["UID"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert len(uids) == len(set(uids)) == 15  # none skipped, none twice


def test_only_a_hash_of_the_token_is_stored(lawyer):
    token = calendar_feed_issue(user=lawyer, by=lawyer)
    row = CalendarFeedToken.objects.get(user=lawyer)
    assert len(token) >= 40 and token not in row.token_hash and re.fullmatch(r"[0-9a-f]{64}", row.token_hash)


def test_revoked_replaced_and_unknown_tokens_get_404(docket, lawyer, client):
    first = calendar_feed_issue(user=lawyer, by=lawyer)
    second = calendar_feed_issue(user=lawyer, by=lawyer)
    assert fetch(client, first).status_code == 404
    assert fetch(client, second).status_code == 200
    assert calendar_feed_revoke(user=lawyer, by=lawyer) == 1
    assert fetch(client, second).status_code == 404
    assert fetch(client, "not-a-token").status_code == 404
    assert fetch(client, "x" * 500).status_code == 404


def test_lockdown_revokes_every_feed(docket, lawyer, other_lawyer, administrator, client):
    tokens = [calendar_feed_issue(user=u, by=u) for u in (lawyer, other_lawyer)]
    lockdown_activated.send(sender=None, by=administrator, destroy_keys=False)
    assert [fetch(client, t).status_code for t in tokens] == [404, 404]
    assert not CalendarFeedToken.objects.filter(revoked_at__isnull=True).exists()


def test_a_suspended_account_or_a_former_lawyer_gets_404(docket, lawyer, client):
    token = calendar_feed_issue(user=lawyer, by=lawyer)
    lawyer.groups.set([Group.objects.get_or_create(name="organizer")[0]])
    assert fetch(client, token).status_code == 404
    lawyer.groups.set([Group.objects.get(name="lawyer")])
    # A role change ends every session and token of the account (feeds too): the link stays dead.
    assert fetch(client, token).status_code == 404
    token = calendar_feed_issue(user=lawyer, by=lawyer)
    assert fetch(client, token).status_code == 200
    lawyer.is_active = False
    lawyer.save()
    assert fetch(client, token).status_code == 404


def test_the_lawyer_page_creates_shows_once_and_revokes_the_link(docket, lawyer, client_for):
    client = client_for(lawyer)
    page = client.get("/citations/calendar/")
    assert page.status_code == 200 and b"no active calendar link" in page.content
    created = client.post("/citations/calendar/", {"action": "regenerate"})
    url = re.search(rb'value="(http://testserver/citations/calendar/[^"]+\.ics)"', created.content).group(1).decode()
    assert client_for(None).get(url).status_code == 200
    again = client.get("/citations/calendar/")
    assert b"A link is active" in again.content and url.encode() not in again.content  # shown once only
    client.post("/citations/calendar/", {"action": "revoke"})
    assert client_for(None).get(url).status_code == 404
    assert client.post("/citations/calendar/", {"action": "explode"}).status_code == 400


def test_the_page_is_for_lawyers(coordinator, organizer, observer, client_for):
    for user in (coordinator, organizer, observer):
        assert client_for(user).get("/citations/calendar/").status_code == 404
    assert client_for(None).get("/citations/calendar/").status_code == 302
