"""Deadline rules as data, with their boundaries: a citation issued at 23:59 local time, a last
day on a Saturday, on a court closure (Good Friday, Thanksgiving and the day after; not an
unconfirmed observed Independence Day),
across both daylight-saving changes; hearings, appeals, civil claims; editing a rule."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from citations import services
from citations.deadlines import add_offset, deadlines_mark_missed, next_business_day
from citations.models import (
    CitationKind,
    Deadline,
    DeadlineKind,
    DeadlineRule,
    DeadlineStatus,
    Disposition,
    Response,
)
from tests.citations.conftest import PHL, local
from tests.factories import CaseFactory, ComplaintFactory, IncidentFactory

UTC = datetime.UTC
d = datetime.date


def deadline(citation_or_complaint, kind: str) -> Deadline:  # type: ignore[no-untyped-def]
    field = "citation" if citation_or_complaint._meta.model_name == "citation" else "complaint"
    return Deadline.objects.select_related("rule").get(**{field: citation_or_complaint, "kind": kind})


# --- the seeded rules ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pennsylvania_and_philadelphia_defaults_are_seeded_with_sources():
    rules = {r.code: r for r in DeadlineRule.objects.all()}
    assert {
        "pa-summary-respond", "phl-cvn-pay-or-dispute", "phl-nta-appear", "appear-at-hearing", "pa-summary-appeal",
        "pa-civil-claim-1983", "phl-oversight-complaint",
    } <= set(rules)  # fmt: skip
    for rule in rules.values():
        rule.full_clean()
        assert len(rule.source) > 40
    respond = rules["pa-summary-respond"]
    assert (respond.offset, respond.warrant_risk, respond.roll) == (10, True, "next_business_day")
    assert "403(B)(2)" in respond.source and "430(B)(1)(a)" in respond.source
    assert rules["phl-cvn-pay-or-dispute"].roll == "none" and rules["phl-cvn-pay-or-dispute"].warrant_risk is False
    assert (rules["pa-summary-appeal"].offset, rules["pa-summary-appeal"].verified) == (30, False)
    claim = rules["pa-civil-claim-1983"]
    assert (claim.offset, claim.offset_unit, claim.verified) == (2, "years", False) and "5524" in claim.source
    oversight = rules["phl-oversight-complaint"]
    assert oversight.active is False and oversight.verified is False and "unverified" in oversight.source


# --- the response window ------------------------------------------------------------------


def test_issued_at_2359_local_counts_from_that_local_day(make_citation, clock):
    clock(2026, 6, 2, 9)
    late = make_citation(kind=CitationKind.PA_SUMMARY, issued_at=local(2026, 6, 1, 23, 59))
    assert late.issued_at.astimezone(UTC).date() == d(2026, 6, 2)  # already the next day in UTC
    due = deadline(late, DeadlineKind.RESPOND)
    assert due.due_on == d(2026, 6, 11)
    assert due.due_at == local(2026, 6, 11, 23, 59, 59)
    assert (due.warrant_risk, due.status, due.rule.code) == (True, DeadlineStatus.OPEN, "pa-summary-respond")
    after_midnight = make_citation(kind=CitationKind.PA_SUMMARY, issued_at=local(2026, 6, 2, 0, 1))
    assert deadline(after_midnight, DeadlineKind.RESPOND).due_on == d(2026, 6, 12)


def test_a_last_day_on_saturday_rolls_to_monday_but_a_calendar_day_rule_does_not(make_citation, clock):
    clock(2026, 6, 4, 9)
    summary = make_citation(kind=CitationKind.PA_SUMMARY, issued_at=local(2026, 6, 3, 15))
    notice = make_citation(kind=CitationKind.PHL_CVN, issued_at=local(2026, 6, 3, 15))
    assert d(2026, 6, 13).weekday() == 5
    assert deadline(summary, DeadlineKind.RESPOND).due_on == d(2026, 6, 15)
    cvn = deadline(notice, DeadlineKind.PAY_OR_DISPUTE)
    assert (cvn.due_on, cvn.warrant_risk) == (d(2026, 6, 13), False)


@pytest.mark.parametrize(
    ("issued", "due", "why"),
    [
        # The observed Friday is not on the Philadelphia courts' published list: unconfirmed
        # closures never move a deadline later (tests/citations/test_court_calendar.py).
        (d(2026, 6, 23), d(2026, 7, 3), "Fri 3 July, Independence Day observed, is not a confirmed closure"),
        (d(2026, 3, 24), d(2026, 4, 6), "Good Friday, a Philadelphia court closure; then the weekend"),
        (d(2026, 11, 16), d(2026, 11, 30), "Thanksgiving, the day after (a Pennsylvania holiday), the weekend"),
        (d(2026, 12, 15), d(2026, 12, 28), "Christmas on a Friday, then the weekend"),
        (d(2026, 6, 1), d(2026, 6, 11), "a plain Thursday"),
    ],
)
def test_a_last_day_on_a_holiday_rolls_to_the_next_business_day(make_citation, clock, issued, due, why):
    clock(issued.year, issued.month, issued.day, 23)
    # A traffic citation in Philadelphia: a 10-day answer counted on the Philadelphia courts'
    # calendar (a non-traffic summary citation there follows Rule 1002: no 10-day answer).
    citation = make_citation(kind=CitationKind.TRAFFIC, issued_at=local(issued.year, issued.month, issued.day, 12))
    assert deadline(citation, DeadlineKind.RESPOND).due_on == due, why


def test_across_the_autumn_daylight_saving_change(make_citation, clock):
    clock(2026, 10, 29, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY, issued_at=local(2026, 10, 28, 23, 59))
    assert citation.issued_at.utcoffset() == datetime.timedelta(hours=-4)  # EDT when issued
    due = deadline(citation, DeadlineKind.RESPOND)
    assert due.due_on == d(2026, 11, 9)  # 7 Nov is a Saturday; clocks went back on 1 Nov
    assert due.due_at.astimezone(PHL).utcoffset() == datetime.timedelta(hours=-5)
    assert due.due_at == datetime.datetime(2026, 11, 10, 4, 59, 59, tzinfo=UTC)


def test_across_the_spring_daylight_saving_change(make_citation, clock):
    clock(2026, 3, 2, 9)
    citation = make_citation(kind=CitationKind.PHL_CVN, issued_at=local(2026, 3, 1, 23, 30))
    due = deadline(citation, DeadlineKind.PAY_OR_DISPUTE)
    assert due.due_on == d(2026, 3, 11)
    assert due.due_at == datetime.datetime(2026, 3, 12, 3, 59, 59, tzinfo=UTC)  # EDT from 8 March


def test_an_event_in_another_time_zone_counts_in_its_own_days(make_citation, clock):
    clock(2026, 6, 2, 9)
    from tests.factories import EventFactory

    event = EventFactory(name="Elsewhere", time_zone="America/Los_Angeles", jurisdiction="PA")
    issued = datetime.datetime(2026, 6, 1, 22, 30, tzinfo=ZoneInfo("America/Los_Angeles"))  # 2 June in Philadelphia
    citation = make_citation(kind=CitationKind.PA_SUMMARY, issued_at=issued, case=CaseFactory(event=event))
    due = deadline(citation, DeadlineKind.RESPOND)
    assert due.due_on == d(2026, 6, 11)
    assert due.due_at == datetime.datetime(2026, 6, 11, 23, 59, 59, tzinfo=ZoneInfo("America/Los_Angeles"))


def test_answering_meets_the_deadline_and_dropping_it_cancels_it(make_citation, coordinator, clock):
    clock(2026, 6, 3, 9)
    answered = make_citation(kind=CitationKind.PA_SUMMARY)
    dropped = make_citation(kind=CitationKind.PA_SUMMARY)
    services.citation_record_response(
        citation=answered, response=Response.NOT_GUILTY, at=local(2026, 6, 2, 9), by=coordinator
    )
    services.citation_record_disposition(
        citation=dropped, disposition=Disposition.WITHDRAWN, decided_on=d(2026, 6, 3), by=coordinator
    )
    met = deadline(answered, DeadlineKind.RESPOND)
    assert (met.status, met.resolved_at) == (DeadlineStatus.MET, local(2026, 6, 3, 9))
    assert deadline(dropped, DeadlineKind.RESPOND).status == DeadlineStatus.CANCELLED


def test_an_unanswered_citation_is_missed_once_its_day_has_passed(make_citation, coordinator, clock):
    clock(2026, 6, 3, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY)
    clock(2026, 6, 11, 23, 59)
    assert deadlines_mark_missed() == 0
    clock(2026, 6, 12, 0, 0)
    assert deadlines_mark_missed() == 1
    assert deadline(citation, DeadlineKind.RESPOND).status == DeadlineStatus.MISSED
    # A late plea still gets recorded, and then the deadline counts as met.
    services.citation_record_response(
        citation=citation, response=Response.NOT_GUILTY, at=local(2026, 6, 12), by=coordinator
    )
    assert deadline(citation, DeadlineKind.RESPOND).status == DeadlineStatus.MET


# --- hearings and appeals -----------------------------------------------------------------


def test_the_notice_to_appear_date_is_the_first_deadline_and_follows_a_new_date(make_citation, coordinator, clock):
    clock(2026, 6, 3, 9)
    citation = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, hearing_at=local(2026, 6, 22, 9), courtroom="1104")
    appear = deadline(citation, DeadlineKind.APPEAR)
    assert (appear.due_at, appear.due_on, appear.rule.code) == (local(2026, 6, 22, 9), d(2026, 6, 22), "phl-nta-appear")
    assert not Deadline.objects.filter(citation=citation, kind=DeadlineKind.RESPOND).exists()
    services.citation_schedule_hearing(
        citation=citation, hearing_at=local(2026, 7, 1, 13, 30), courtroom="306", by=coordinator
    )
    assert deadline(citation, DeadlineKind.APPEAR).due_at == local(2026, 7, 1, 13, 30)
    assert Deadline.objects.filter(citation=citation).count() == 1
    clock(2026, 7, 1, 16)
    services.citation_record_disposition(
        citation=citation, disposition=Disposition.GUILTY, decided_on=d(2026, 7, 1), by=coordinator
    )
    assert deadline(citation, DeadlineKind.APPEAR).status == DeadlineStatus.MET
    assert deadline(citation, DeadlineKind.APPEAL).due_on == d(2026, 7, 31)


def test_a_hearing_for_another_track_uses_the_catch_all_rule(make_citation, coordinator, clock):
    clock(2026, 6, 3, 9)
    citation = make_citation(kind=CitationKind.PHL_CVN)
    services.citation_record_response(
        citation=citation, response=Response.DISPUTED, at=local(2026, 6, 2, 9), by=coordinator
    )
    services.citation_schedule_hearing(
        citation=citation, hearing_at=local(2026, 6, 30, 10), courtroom="OAR", by=coordinator
    )
    assert deadline(citation, DeadlineKind.APPEAR).rule.code == "appear-at-hearing"


def test_appeal_window_is_30_days_and_rolls_past_independence_day(make_citation, coordinator, clock):
    clock(2026, 6, 5, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY)
    services.citation_record_response(  # not guilty: a guilty plea would start the window itself
        citation=citation, response=Response.NOT_GUILTY, at=local(2026, 6, 2, 9), by=coordinator
    )
    services.citation_record_disposition(
        citation=citation, disposition=Disposition.GUILTY, decided_on=d(2026, 6, 4), by=coordinator
    )
    appeal = deadline(citation, DeadlineKind.APPEAL)
    assert (appeal.due_on, appeal.status, appeal.warrant_risk) == (d(2026, 7, 6), DeadlineStatus.OPEN, False)
    services.citation_record_appeal(citation=citation, filed_on=d(2026, 6, 5), by=coordinator)
    assert deadline(citation, DeadlineKind.APPEAL).status == DeadlineStatus.MET


def test_no_appeal_deadline_for_an_acquittal_or_a_civil_notice(make_citation, coordinator, clock):
    clock(2026, 6, 5, 9)
    acquitted = make_citation(kind=CitationKind.PA_SUMMARY)
    services.citation_record_response(
        citation=acquitted, response=Response.NOT_GUILTY, at=local(2026, 6, 2, 9), by=coordinator
    )
    services.citation_record_disposition(
        citation=acquitted, disposition=Disposition.NOT_GUILTY, decided_on=d(2026, 6, 4), by=coordinator
    )
    notice = make_citation(kind=CitationKind.PHL_CVN)
    services.citation_record_response(
        citation=notice, response=Response.DISPUTED, at=local(2026, 6, 2, 9), by=coordinator
    )
    services.citation_record_disposition(
        citation=notice, disposition=Disposition.GUILTY, decided_on=d(2026, 6, 4), by=coordinator
    )
    assert not Deadline.objects.filter(kind=DeadlineKind.APPEAL).exists()


def test_closing_after_waiving_the_appeal_cancels_its_deadline(make_citation, coordinator, clock):
    clock(2026, 6, 5, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY)
    services.citation_record_response(
        citation=citation, response=Response.GUILTY, at=local(2026, 6, 2, 9), by=coordinator
    )
    services.citation_record_disposition(
        citation=citation, disposition=Disposition.GUILTY, decided_on=d(2026, 6, 4), by=coordinator
    )
    services.citation_close(citation=citation, by=coordinator, appeal_waived=True)
    assert deadline(citation, DeadlineKind.APPEAL).status == DeadlineStatus.CANCELLED


# --- complaints ---------------------------------------------------------------------------


def test_civil_claim_is_due_two_years_after_the_earliest_incident_in_local_time(phl_event, clock, observer):
    clock(2026, 7, 10, 9)
    case = CaseFactory(event=phl_event)
    complaint = ComplaintFactory(case=case)
    # No incident linked and no day of force given: no clock (never from the day it was entered).
    assert not Deadline.objects.filter(complaint=complaint, kind=DeadlineKind.CIVIL_CLAIM).exists()
    services.complaint_force_date_set(complaint=complaint, force_used_on=d(2026, 7, 8), by=observer)
    created_day = deadline(complaint, DeadlineKind.CIVIL_CLAIM)
    assert created_day.due_on == d(2028, 7, 8)  # from the day force was used, as given
    late = IncidentFactory(event=phl_event, reporter=observer, occurred_at=local(2026, 7, 4, 23, 30))  # 5 July UTC
    later = IncidentFactory(event=phl_event, reporter=observer, occurred_at=local(2026, 7, 6, 12))
    complaint.incidents.set([later, late])
    claim = deadline(complaint, DeadlineKind.CIVIL_CLAIM)
    assert (claim.due_on, claim.due_at) == (d(2028, 7, 4), local(2028, 7, 4, 23, 59, 59))
    assert claim.pk == created_day.pk and claim.rule.code == "pa-civil-claim-1983"
    # The incident's time is corrected: the deadline follows.
    late.occurred_at = local(2026, 7, 3, 20)
    late.save()
    assert deadline(complaint, DeadlineKind.CIVIL_CLAIM).due_on == d(2028, 7, 3)


def test_filing_a_civil_suit_meets_the_claim_deadline_of_every_complaint_of_the_case(phl_event, clock):
    clock(2026, 7, 10, 9)
    case = CaseFactory(event=phl_event)
    oversight = ComplaintFactory(case=case, forum="oversight")
    suit = ComplaintFactory(case=case, forum="civil_suit")
    for complaint in (oversight, suit):  # no incident report: the day force was used, as given
        services.complaint_force_date_set(complaint=complaint, force_used_on=d(2026, 7, 1), by=None)
    assert deadline(oversight, DeadlineKind.CIVIL_CLAIM).status == DeadlineStatus.OPEN
    suit.filed_on, suit.status = d(2026, 7, 10), "filed"
    suit.save()
    assert deadline(suit, DeadlineKind.CIVIL_CLAIM).status == DeadlineStatus.MET
    assert deadline(oversight, DeadlineKind.CIVIL_CLAIM).status == DeadlineStatus.MET


def test_the_oversight_window_is_configurable_and_off_until_verified(phl_event, clock, coordinator):
    clock(2026, 7, 10, 9)
    complaint = ComplaintFactory(case=CaseFactory(event=phl_event), forum="oversight")
    assert not Deadline.objects.filter(complaint=complaint, kind=DeadlineKind.OVERSIGHT_COMPLAINT).exists()
    rule = DeadlineRule.objects.get(code="phl-oversight-complaint")
    rule.offset, rule.active = 180, True
    services.deadline_rule_save(rule=rule, by=coordinator)
    window = deadline(complaint, DeadlineKind.OVERSIGHT_COMPLAINT)
    assert window.due_on == d(2027, 1, 6)  # 10 July + 180 days
    complaint.filed_on, complaint.status = d(2026, 8, 1), "filed"
    complaint.save()
    assert deadline(complaint, DeadlineKind.OVERSIGHT_COMPLAINT).status == DeadlineStatus.MET


@pytest.mark.django_db  # business days are read from the court calendar (data)
def test_years_are_calendar_years_even_from_a_leap_day():
    assert add_offset(d(2024, 2, 29), 2, "years") == d(2026, 2, 28)
    assert add_offset(d(2026, 1, 31), 1, "months") == d(2026, 2, 28)
    assert next_business_day(d(2026, 4, 3), "PA-PHL") == d(2026, 4, 6)  # Good Friday, then the weekend
    assert next_business_day(d(2026, 7, 3), "PA-PHL") == d(2026, 7, 3)  # observed Friday: unconfirmed
    assert next_business_day(d(2026, 7, 7), "PA") == d(2026, 7, 7)


# --- editing rules ------------------------------------------------------------------------


def test_editing_a_rule_recomputes_the_open_deadlines_it_made(make_citation, coordinator, clock):
    clock(2026, 6, 2, 9)
    open_one = make_citation(kind=CitationKind.PA_SUMMARY)
    answered = make_citation(kind=CitationKind.PA_SUMMARY)
    services.citation_record_response(
        citation=answered, response=Response.GUILTY, at=local(2026, 6, 2, 8), by=coordinator
    )
    rule = DeadlineRule.objects.get(code="pa-summary-respond")
    rule.offset = 12
    services.deadline_rule_save(rule=rule, by=coordinator)
    assert deadline(open_one, DeadlineKind.RESPOND).due_on == d(2026, 6, 15)  # 13 June is a Saturday
    assert deadline(answered, DeadlineKind.RESPOND).status == DeadlineStatus.MET
    rule.active = False
    services.deadline_rule_save(rule=rule, by=coordinator)
    assert deadline(open_one, DeadlineKind.RESPOND).status == DeadlineStatus.CANCELLED
    assert deadline(answered, DeadlineKind.RESPOND).status == DeadlineStatus.MET


def test_a_more_specific_rule_replaces_a_wider_one(make_citation, coordinator, clock):
    clock(2026, 6, 2, 9)
    citation = make_citation(kind=CitationKind.TRAFFIC, jurisdiction="PA-PHL")
    assert deadline(citation, DeadlineKind.RESPOND).rule.code == "pa-traffic-respond"
    local_rule = DeadlineRule(
        code="phl-traffic-respond", jurisdiction="PA-PHL", citation_kind=CitationKind.TRAFFIC,
        kind=DeadlineKind.RESPOND, trigger="issued", offset=7, description="Philadelphia variant",
        source="Test source for a local variant of the rule.",
    )  # fmt: skip
    services.deadline_rule_save(rule=local_rule, by=coordinator)
    mine = Deadline.objects.filter(citation=citation, kind=DeadlineKind.RESPOND)
    assert {(x.rule.code, x.status) for x in mine} == {
        ("phl-traffic-respond", DeadlineStatus.OPEN), ("pa-traffic-respond", DeadlineStatus.CANCELLED),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"trigger": "incident", "citation_kind": "pa_summary"}, "citation_kind"),
        ({"trigger": "issued", "kind": "civil_claim"}, "kind"),
        ({"trigger": "hearing", "kind": "respond"}, "trigger"),
        ({"offset": 5000}, "offset"),
        ({"source": "  "}, "source"),
    ],
)
@pytest.mark.django_db
def test_an_invalid_rule_is_refused(changes, field, coordinator):
    rule = DeadlineRule.objects.get(code="pa-summary-respond")
    for name, value in changes.items():
        setattr(rule, name, value)
    with pytest.raises(ValidationError) as refused:
        services.deadline_rule_save(rule=rule, by=coordinator)
    assert field in refused.value.message_dict
    assert DeadlineRule.objects.get(code="pa-summary-respond").offset == 10


def test_an_administrator_edits_a_rule_in_the_admin_and_deadlines_follow(
    make_citation, administrator, client_for, clock
):
    clock(2026, 6, 2, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY)
    rule = DeadlineRule.objects.get(code="pa-summary-respond")
    url = f"/admin/citations/deadlinerule/{rule.pk}/change/"
    client = client_for(administrator)
    form = client.get(url).context["adminform"].form
    data = {
        name: ("on" if value is True else value) for name, value in form.initial.items() if value not in (None, False)
    }
    data["offset"] = 11
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert deadline(citation, DeadlineKind.RESPOND).due_on == d(2026, 6, 12)
    data["offset"] = 9999
    response = client.post(url, data)
    assert response.status_code == 200 and "offset" in response.context["adminform"].form.errors


def test_correcting_an_event_s_time_zone_recomputes_its_cases_deadlines(make_citation, phl_event, coordinator, clock):
    """Days are counted in the event's zone: an event entered in the wrong zone, then corrected,
    moves its open deadlines (a citation at 22:30 in Los Angeles is already the next day in
    Philadelphia); other events' deadlines stay as they were."""
    clock(2026, 6, 2, 9)
    from cases.services import event_update
    from tests.factories import EventFactory

    elsewhere = EventFactory(name="Elsewhere", time_zone="America/New_York", jurisdiction="PA")
    issued = datetime.datetime(2026, 6, 1, 22, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    citation = make_citation(kind=CitationKind.PA_SUMMARY, issued_at=issued, case=CaseFactory(event=elsewhere))
    untouched = make_citation(kind=CitationKind.PA_SUMMARY, issued_at=local(2026, 6, 1, 22, 30))
    before_other = deadline(untouched, DeadlineKind.RESPOND).due_at
    assert deadline(citation, DeadlineKind.RESPOND).due_on == d(2026, 6, 12)  # 2 June in New York
    event_update(event=elsewhere, by=coordinator, time_zone="America/Los_Angeles")
    due = deadline(citation, DeadlineKind.RESPOND)
    assert due.due_on == d(2026, 6, 11)
    assert due.due_at == datetime.datetime(2026, 6, 11, 23, 59, 59, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert deadline(untouched, DeadlineKind.RESPOND).due_at == before_other
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:  # no zone or jurisdiction change: nothing to redo
        event_update(event=elsewhere, by=coordinator, description="Moved indoors")
    assert not [q for q in captured.captured_queries if "citations_deadline" in q["sql"]]


def test_correcting_an_event_s_zone_moves_its_complaints_claim_deadline(phl_event, clock, observer, coordinator):
    clock(2026, 7, 10, 9)
    from cases.services import event_update

    complaint = ComplaintFactory(case=CaseFactory(event=phl_event))
    incident = IncidentFactory(event=phl_event, reporter=observer, occurred_at=local(2026, 7, 4, 23, 30))
    complaint.incidents.set([incident])
    assert deadline(complaint, DeadlineKind.CIVIL_CLAIM).due_on == d(2028, 7, 4)
    event_update(event=phl_event, by=coordinator, time_zone="Europe/Berlin")  # 5:30 on 5 July there
    claim = deadline(complaint, DeadlineKind.CIVIL_CLAIM)
    assert claim.due_on == d(2028, 7, 5)
    assert claim.due_at == datetime.datetime(2028, 7, 5, 23, 59, 59, tzinfo=ZoneInfo("Europe/Berlin"))
