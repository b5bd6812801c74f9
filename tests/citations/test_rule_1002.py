"""A summary citation recorded on the statewide track at a Philadelphia event follows
Pa.R.Crim.P. 1002, not its label: Rule 1002 replaces the Chapter 4 10-day plea with a notice to
appear and a summary trial in Philadelphia Municipal Court (failure to appear: trial in absence,
30 days to appeal, Rule 460(A)). So no 10-day answer and none of its warrant risk; the hearing on
the notice to appear is the deadline, and the appeal window counts on Philadelphia's calendar.
Expected dates are counted here by hand from the rule text and the courts' published list."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from cases.models import AuditEntry, Case
from citations import services
from citations.models import (
    CitationKind,
    CitationStatus,
    Deadline,
    DeadlineKind,
    DeadlineRule,
    DeadlineStatus,
    Disposition,
)
from documents.context import case_packet_context
from tests.api.conftest import client_with_token
from tests.citations.conftest import PHL, local
from tests.factories import CaseFactory

d = datetime.date


@pytest.fixture
def in_philadelphia(phl_event, lawyer):  # type: ignore[no-untyped-def]
    return CaseFactory(event=phl_event, lawyers=[lawyer])


def kinds(citation) -> dict[str, Deadline]:  # type: ignore[no-untyped-def]
    return {x.kind: x for x in Deadline.objects.filter(citation=citation).select_related("rule")}


def test_a_statewide_track_citation_in_philadelphia_gets_no_ten_day_answer_and_no_warrant(
    make_citation, in_philadelphia, clock
):
    clock(2026, 6, 2, 9)
    hearing = local(2026, 6, 24, 9)
    citation = make_citation(
        kind=CitationKind.PA_SUMMARY, case=in_philadelphia, issued_at=local(2026, 6, 1, 22, 30),
        hearing_at=hearing, courtroom="1104",
    )  # fmt: skip
    assert citation.status == CitationStatus.HEARING_SCHEDULED  # the notice to appear set it at issue
    made = kinds(citation)
    assert set(made) == {DeadlineKind.APPEAR}
    appear = made[DeadlineKind.APPEAR]
    assert appear.rule.code == "phl-nta-appear" and "1002" in appear.rule.source
    assert appear.due_at == hearing and appear.warrant_risk is False
    assert not Deadline.objects.filter(warrant_risk=True).exists()


def test_the_notice_to_appear_date_can_be_entered_later_from_issue(make_citation, in_philadelphia, clock, coordinator):
    clock(2026, 6, 2, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY, case=in_philadelphia, issued_at=local(2026, 6, 1, 12))
    assert kinds(citation) == {}  # nothing to count until the notice's date is entered; never a 10-day answer
    services.citation_schedule_hearing(
        citation=citation, hearing_at=local(2026, 6, 30, 9), courtroom="306", by=coordinator
    )  # no plea first: Rule 1002's track, not Chapter 4's
    appear = kinds(citation)[DeadlineKind.APPEAR]
    assert (appear.rule.code, appear.warrant_risk, appear.due_on) == ("phl-nta-appear", False, d(2026, 6, 30))


def test_the_appeal_window_counts_on_philadelphias_calendar(make_citation, in_philadelphia, clock, coordinator):
    clock(2026, 3, 10, 9)
    citation = make_citation(
        kind=CitationKind.PA_SUMMARY, case=in_philadelphia, issued_at=local(2026, 2, 10, 12),
        hearing_at=local(2026, 3, 4, 9), courtroom="1104",
    )  # fmt: skip
    services.citation_record_disposition(
        citation=citation, disposition=Disposition.GUILTY, decided_on=d(2026, 3, 4), by=coordinator
    )
    # 460(A): 30 days after 4 March 2026 is Friday 3 April 2026, Good Friday, on which the
    # Philadelphia courts are closed (their published list): the last day is Monday 6 April.
    appeal = kinds(citation)[DeadlineKind.APPEAL]
    assert appeal.due_on == d(2026, 4, 6) and appeal.rule.code == "pa-summary-appeal"
    assert appeal.due_at == datetime.datetime(2026, 4, 6, 23, 59, 59, tzinfo=PHL)


def test_outside_philadelphia_the_statewide_ten_day_answer_stays(make_citation, pa_event, clock):
    clock(2026, 6, 2, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY, case=CaseFactory(event=pa_event))
    respond = kinds(citation)[DeadlineKind.RESPOND]
    # Rule 403(B)(2): within 10 days of issue (1 June 2026): Thursday 11 June 2026.
    assert (respond.rule.code, respond.warrant_risk, respond.due_on) == ("pa-summary-respond", True, d(2026, 6, 11))


def test_a_citation_recorded_with_philadelphias_jurisdiction_is_governed_by_1002_too(make_citation, pa_event, clock):
    clock(2026, 6, 2, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY, case=CaseFactory(event=pa_event), jurisdiction="PA-PHL")
    assert DeadlineKind.RESPOND not in kinds(citation)


def test_page_api_and_packet_say_which_rule_applied_and_why(make_citation, in_philadelphia, clock, client_for, lawyer):
    clock(2026, 6, 2, 9)
    citation = make_citation(
        kind=CitationKind.PA_SUMMARY, case=in_philadelphia, issued_at=local(2026, 6, 1, 12),
        hearing_at=local(2026, 6, 24, 9), courtroom="1104",
    )  # fmt: skip
    page = client_for(lawyer).get(f"/desk/citations/{citation.public_id}/").content.decode()
    assert 'id="rule-1002"' in page and "Pa.R.Crim.P. 1002 applied" in page
    assert "no 10-day answer deadline" in page and "warrant risk</strong>" not in page
    api = client_with_token(lawyer)
    body = api.get(f"/api/v1/citations/{citation.public_id}/").json()
    assert body["rules_applied"]["track"] == "phl_summary_nta" and body["rules_applied"]["rule_1002"] is True
    assert "Rule 1002 replaces the 10-day plea" in body["rules_applied"]["note"]
    assert [x["rule_code"] for x in body["deadlines"]] == ["phl-nta-appear"]
    listed = api.get("/api/v1/citations/").json()["results"][0]
    assert listed["rules_applied"] == body["rules_applied"]
    packet = case_packet_context(case=Case.objects.get(pk=citation.case_id), user=lawyer)
    assert "Rule 1002 replaces the 10-day plea" in packet["citations"][0]["rule_note"]


def test_elsewhere_the_api_says_the_citations_own_track_applied(make_citation, pa_event, clock, lawyer):
    clock(2026, 6, 2, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY, case=CaseFactory(event=pa_event, lawyers=[lawyer]))
    body = client_with_token(lawyer).get(f"/api/v1/citations/{citation.public_id}/").json()
    assert body["rules_applied"] == {"track": "pa_summary", "rule_1002": False, "note": ""}


def test_the_recompute_command_cancels_an_old_ten_day_answer(make_citation, in_philadelphia, clock):
    clock(2026, 6, 2, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY, case=in_philadelphia, issued_at=local(2026, 6, 1, 12))
    # What an earlier version made for this citation: the statewide 10-day answer with its warrant risk.
    old = Deadline.objects.create(
        case=in_philadelphia, citation=citation, rule=DeadlineRule.objects.get(code="pa-summary-respond"),
        kind=DeadlineKind.RESPOND, due_on=d(2026, 6, 11), due_at=local(2026, 6, 11, 23, 59, 59), warrant_risk=True,
    )  # fmt: skip
    out = io.StringIO()
    call_command("recompute_deadlines", "--kind", "pa_summary", stdout=out)
    old.refresh_from_db()
    assert old.status == DeadlineStatus.CANCELLED
    assert "1 updated or cancelled" in out.getvalue()
    assert AuditEntry.objects.filter(action="deadlines.recompute", details__count=1).exists()


def test_the_recompute_command_acts_only_as_an_account_that_may(coordinator, observer):  # type: ignore[no-untyped-def]
    """The audit trail names the account given: an inactive one, or one not allowed to change the
    court calendar (which recomputes deadlines too), is refused, as in the other commands."""
    with pytest.raises(CommandError, match="may not"):
        call_command("recompute_deadlines", "--by", observer.username, stdout=io.StringIO())
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="No active account"):
        call_command("recompute_deadlines", "--by", coordinator.username, stdout=io.StringIO())
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("recompute_deadlines", "--kind", "parking", stdout=io.StringIO())
    assert not AuditEntry.objects.filter(action="deadlines.recompute").exists()


def test_the_recompute_command_records_who_asked(coordinator):  # type: ignore[no-untyped-def]
    call_command("recompute_deadlines", "--by", coordinator.username, stdout=io.StringIO())
    assert AuditEntry.objects.get(action="deadlines.recompute").actor == coordinator
