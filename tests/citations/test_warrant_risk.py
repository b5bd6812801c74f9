"""Warrant risk where the rules put it: a missed summary trial (Pa.R.Crim.P. 430(B)(2)) on the
statewide track, non-payment after the court's notice (430(B)(3)-(4)), and a statewide-track
citation in Philadelphia handled by Rule 1002 rather than its label (tests/citations/test_rule_1002.py)."""

from __future__ import annotations

import datetime

from cases.models import Case
from citations import services
from citations.models import CitationKind, Deadline, DeadlineKind, Disposition, Response
from tests.citations.conftest import local
from tests.factories import CaseFactory, EventFactory


def test_a_summary_trial_is_a_warrant_risk_and_a_civil_review_is_not(make_citation, clock, coordinator):
    clock(2026, 6, 5, 9)
    summary = make_citation(kind=CitationKind.PA_SUMMARY)
    services.citation_record_response(
        citation=summary, response=Response.NOT_GUILTY, at=local(2026, 6, 2, 9), by=coordinator
    )
    services.citation_schedule_hearing(
        citation=summary, hearing_at=local(2026, 6, 30, 9), courtroom="3", by=coordinator
    )
    trial = Deadline.objects.get(citation=summary, kind=DeadlineKind.APPEAR)
    assert (trial.rule.code, trial.warrant_risk) == ("pa-summary-trial-appear", True)
    assert "430(B)(2)" in trial.rule.source
    notice = make_citation(kind=CitationKind.PHL_CVN)
    services.citation_record_response(
        citation=notice, response=Response.DISPUTED, at=local(2026, 6, 2, 9), by=coordinator
    )
    services.citation_schedule_hearing(
        citation=notice, hearing_at=local(2026, 6, 30, 10), courtroom="OAR", by=coordinator
    )
    review = Deadline.objects.get(citation=notice, kind=DeadlineKind.APPEAR)
    assert (review.rule.code, review.warrant_risk) == ("appear-at-hearing", False)


def test_the_citation_page_flags_rule_1002_and_non_payment(
    make_citation, phl_event, clock, client_for, lawyer, coordinator
):
    clock(2026, 6, 10, 9)
    in_philadelphia = make_citation(kind=CitationKind.PA_SUMMARY, case=CaseFactory(event=phl_event))
    Case.objects.get(pk=in_philadelphia.case_id).lawyers.add(lawyer)
    page = client_for(lawyer).get(f"/desk/citations/{in_philadelphia.public_id}/").content.decode()
    assert 'id="rule-1002"' in page and 'id="non-payment"' not in page
    services.citation_record_response(
        citation=in_philadelphia, response=Response.GUILTY, at=local(2026, 6, 3, 9), by=coordinator
    )
    services.citation_record_disposition(
        citation=in_philadelphia, disposition=Disposition.GUILTY, decided_on=datetime.date(2026, 6, 4), by=coordinator
    )
    page = client_for(lawyer).get(f"/desk/citations/{in_philadelphia.public_id}/").content.decode()
    assert 'id="non-payment"' in page and "430(B)(3)-(4)" in page
    elsewhere = EventFactory(name="Harrisburg", jurisdiction="PA", time_zone="America/New_York")
    statewide = make_citation(kind=CitationKind.PA_SUMMARY, case=CaseFactory(event=elsewhere, lawyers=[lawyer]))
    assert 'id="rule-1002"' not in client_for(lawyer).get(f"/desk/citations/{statewide.public_id}/").content.decode()
