"""Every appeal window (Pa.R.Crim.P. 460(A): 30 days after "the entry of the guilty plea, the
conviction, or other final order"): a guilty plea's entry, a conviction, a conviction in absence
after a missed hearing (a prompt counted from the hearing day), and a civil notice's decision
(not modelled: said on the page, the API and the packet). Expected dates come from the oracle
below (30 days, the last day omitted on a weekend or a confirmed Philadelphia court closure),
leap days and daylight-saving changes included."""

from __future__ import annotations

import datetime

import pytest

from cases.models import Case
from citations import services
from citations.models import CitationKind, Deadline, DeadlineKind, DeadlineStatus, Disposition, Response
from documents.context import case_packet_context
from tests.api.conftest import client_with_token
from tests.citations.conftest import PHL, local

d = datetime.date
CONFIRMED = {d(2026, 4, 3), d(2026, 5, 25), d(2026, 6, 19), d(2026, 9, 7), d(2026, 10, 12), d(2026, 11, 11),
             d(2026, 11, 26), d(2026, 11, 27), d(2026, 12, 25), d(2027, 1, 1), d(2027, 3, 26)}  # fmt: skip


def oracle_thirty_days(start: datetime.date) -> datetime.date:
    day = start + datetime.timedelta(days=30)
    while day.weekday() >= 5 or day in CONFIRMED:
        day += datetime.timedelta(days=1)
    return day


def appeal(citation) -> Deadline:  # type: ignore[no-untyped-def]
    return Deadline.objects.get(citation=citation, kind=DeadlineKind.APPEAL)


@pytest.mark.parametrize(
    ("pleaded", "why"),
    [
        (local(2026, 6, 5, 10), "30 days: Sunday 5 July, then Monday"),
        (local(2026, 3, 4, 23, 30), "Good Friday 2026-04-03 is day 30"),
        (local(2026, 10, 27, 9), "the autumn clock change in between"),
        (local(2026, 2, 28, 12), "30 days after 28 February"),
    ],
)
def test_a_guilty_plea_opens_the_appeal_window_from_its_entry(make_citation, clock, coordinator, pleaded, why):
    clock(pleaded.year, pleaded.month, pleaded.day, 23, 45)
    citation = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, issued_at=pleaded - datetime.timedelta(days=2))
    services.citation_record_response(citation=citation, response=Response.GUILTY, at=pleaded, by=coordinator)
    window = appeal(citation)
    assert window.due_on == oracle_thirty_days(pleaded.astimezone(PHL).date()), why
    assert window.due_at == datetime.datetime.combine(window.due_on, datetime.time(23, 59, 59), tzinfo=PHL)
    assert (window.status, window.rule.code) == (DeadlineStatus.OPEN, "pa-summary-appeal")


def test_a_conviction_on_a_leap_day_counts_thirty_days_from_it(make_citation, clock, coordinator):
    clock(2028, 2, 29, 18)
    citation = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, issued_at=local(2028, 2, 1, 12),
                             hearing_at=local(2028, 2, 29, 9))  # fmt: skip
    services.citation_record_disposition(
        citation=citation, disposition=Disposition.GUILTY, decided_on=d(2028, 2, 29), by=coordinator
    )
    assert appeal(citation).due_on == d(2028, 3, 30)  # 29 Feb + 30 days: Thursday 30 March


def test_a_missed_hearing_prompts_a_possible_conviction_in_absence(make_citation, clock, client_for, lawyer):
    clock(2026, 6, 1, 9)
    citation = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, issued_at=local(2026, 5, 20, 12),
                             hearing_at=local(2026, 6, 10, 9))  # fmt: skip
    Case.objects.get(pk=citation.case_id).lawyers.add(lawyer)
    url = f"/desk/citations/{citation.public_id}/"
    assert "conviction in absence" not in client_for(lawyer).get(url).content.decode()
    clock(2026, 6, 12, 9)  # the hearing passed; nobody recorded what happened
    page = client_for(lawyer).get(url).content.decode()
    # Conservatively: 30 days from the hearing day, not moved past a weekend or closure.
    expected = d(2026, 6, 10) + datetime.timedelta(days=30)  # 10 July 2026, a Friday
    assert "record the outcome, or this may already be a conviction in absence" in page
    assert f"appeal by {expected:%a} {expected.day} {expected:%b %Y}" in page
    packet = case_packet_context(case=Case.objects.get(pk=citation.case_id), user=lawyer)
    assert f"appeal by {expected:%Y-%m-%d}" in packet["citations"][0]["appeal_note"]


def test_a_civil_notice_says_its_appeal_is_not_modelled_everywhere(make_citation, clock, client_for, lawyer):
    clock(2026, 6, 2, 9)
    notice = make_citation(kind=CitationKind.PHL_CVN, issued_at=local(2026, 6, 1, 12))
    Case.objects.get(pk=notice.case_id).lawyers.add(lawyer)
    page = client_for(lawyer).get(f"/desk/citations/{notice.public_id}/").content.decode()
    assert 'id="appeal-not-modelled"' in page and "check the deadline and the way to appeal with the clerk" in page
    body = client_with_token(lawyer).get(f"/api/v1/citations/{notice.public_id}/").json()
    assert body["appeal"]["modelled"] is False and "clerk" in body["appeal"]["note"]
    listed = client_with_token(lawyer).get("/api/v1/citations/").json()["results"][0]
    assert listed["appeal"]["modelled"] is False
    packet = case_packet_context(case=Case.objects.get(pk=notice.case_id), user=lawyer)
    assert "not modelled" in packet["citations"][0]["appeal_note"]
