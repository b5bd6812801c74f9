"""Pending charges hold a case: a case with an unanswered citation (its 10-day answer carries a
bench-warrant risk) neither closes without an explicit, reasoned, audited confirmation nor is
purged later, whatever its dates."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from cases.audit import audit_verify
from cases.models import AuditEntry, Case
from cases.retention import case_purge, purge_expired
from cases.services import CloseNeedsConfirmation, case_close
from citations.models import CitationKind, Deadline, DeadlineKind, DeadlineStatus
from citations.services import citation_create
from tests.api.conftest import client_with_token
from tests.factories import CaseFactory, ComplaintFactory, EventFactory

ISSUED = datetime.date(2026, 3, 2)
TODAY = datetime.date(2026, 3, 6)  # the answer is due 2026-03-12


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(14)))


@pytest.fixture
def pending(coordinator, lawyer):
    """The issue's case: a Pennsylvania summary citation, unanswered, its plea deadline open."""
    with time_machine.travel(at(TODAY), tick=False):
        # Outside Philadelphia (there Rule 1002 governs it: no 10-day plea deadline).
        event = EventFactory(starts_at=at(ISSUED), jurisdiction="PA")
        case = CaseFactory(event=event, opened_on=ISSUED, lawyers=[lawyer])
        citation_create(case=case, by=coordinator, number="PA-77001", kind=CitationKind.PA_SUMMARY,
                        offense_code="18 Pa.C.S. § 5502", issued_at=at(ISSUED))  # fmt: skip
    deadline = Deadline.objects.get(case=case, kind=DeadlineKind.RESPOND)
    assert deadline.warrant_risk and deadline.status == DeadlineStatus.OPEN
    return case


@pytest.mark.django_db
def test_closing_a_case_with_an_unanswered_citation_lists_what_is_pending(pending, coordinator):
    with time_machine.travel(at(TODAY), tick=False), pytest.raises(CloseNeedsConfirmation) as refused:
        case_close(case=pending, by=coordinator)
    texts = [hold.text for hold in refused.value.holds]
    assert {hold.code for hold in refused.value.holds} == {"open_citation", "open_deadline"}
    assert any("Pennsylvania non-traffic summary citation" in t for t in texts)
    assert any("bench-warrant risk" in t and "2026-03-12" in t for t in texts)
    pending.refresh_from_db()
    assert pending.status == "active" and pending.retention_until is None
    assert not AuditEntry.objects.filter(action="case.close").exists()


@pytest.mark.django_db
def test_a_confirmation_needs_a_written_reason(pending, coordinator):
    for note in ("", "   "):
        with time_machine.travel(at(TODAY), tick=False), pytest.raises(CloseNeedsConfirmation):
            case_close(case=pending, by=coordinator, confirm=True, note=note)
    with time_machine.travel(at(TODAY), tick=False), pytest.raises(CloseNeedsConfirmation):
        case_close(case=pending, by=coordinator, note="Client moved away")  # a reason without confirming
    assert Case.objects.get(pk=pending.pk).status == "active"


@pytest.mark.django_db
def test_a_confirmed_close_is_audited_with_its_reasons_and_no_values(pending, coordinator):
    with time_machine.travel(at(TODAY), tick=False):
        case_close(case=pending, by=coordinator, confirm=True, note="Client moved abroad, told to self-surrender")
    case = Case.objects.get(pk=pending.pk)
    assert case.status == "closed" and case.close_note == "Client moved abroad, told to self-surrender"
    entry = AuditEntry.objects.get(action="case.close")
    assert entry.details == {"confirmed": True, "reason": ["open_citation", "open_deadline"], "count": 2}
    assert entry.fields == ["close_note"] and entry.target_id == str(case.public_id)
    assert "abroad" not in str(entry.details) and "2026-03-12" not in str(entry.details)
    assert audit_verify().ok


@pytest.mark.django_db
def test_a_case_without_pending_matters_closes_at_once(coordinator):
    case = CaseFactory()
    case_close(case=case, by=coordinator)
    entry = AuditEntry.objects.get(action="case.close")
    assert Case.objects.get(pk=case.pk).status == "closed" and entry.details == {}


@pytest.mark.django_db
def test_a_legal_hold_alone_asks_for_confirmation_too(coordinator):
    """An excessive-force complaint keeps its civil-claim window open: closing asks first."""
    case = CaseFactory()
    ComplaintFactory(case=case)
    with pytest.raises(CloseNeedsConfirmation) as refused:
        case_close(case=case, by=coordinator)
    assert "civil_claim_window" in {hold.code for hold in refused.value.holds}


@pytest.mark.django_db
def test_the_api_answers_409_with_the_reasons_then_accepts_a_confirmation(pending, coordinator):
    api = client_with_token(coordinator)
    path = f"/api/v1/cases/{pending.public_id}/close/"
    with time_machine.travel(at(TODAY)):
        refused = api.post(path, {}, format="json")
        assert refused.status_code == 409 and refused["Content-Type"] == "application/problem+json"
        body = refused.json()
        assert body["type"].endswith("/confirmation_required") and body["status"] == 409
        assert [r["code"] for r in body["reasons"]] == ["open_citation", "open_deadline"]
        assert "bench-warrant risk" in body["reasons"][1]["message"]
        assert api.post(path, {"confirm": True}, format="json").status_code == 409  # no reason given
        assert Case.objects.get(pk=pending.pk).status == "active"
        closed = api.post(path, {"confirm": True, "note": "Client will answer through the PD"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert AuditEntry.objects.get(action="case.close").details["confirmed"] is True


@pytest.mark.django_db
def test_retention_never_purges_a_case_with_an_open_citation_or_deadline(pending, coordinator, capsys):
    """The issue's second half: confirmed closed, years past retention, the citation still unanswered
    (its deadline long passed and still open, or swept to missed): never purged, not even listed."""
    with time_machine.travel(at(TODAY), tick=False):
        case_close(case=pending, by=coordinator, confirm=True, note="Lost contact")
    years_later = TODAY + datetime.timedelta(days=3 * 365)
    with time_machine.travel(at(years_later)):
        call_command("purge_expired", "--dry-run")
        out = capsys.readouterr().out
        assert f"Would purge case {pending.number}" not in out
        assert f"On hold: case {pending.number}" in out and "open citation" in out
        report = purge_expired(by=coordinator, today=years_later)
        assert report.purged == [] and pending.number in report.held
        with pytest.raises(ValueError, match="on hold"):
            case_purge(case=pending, by=coordinator, today=years_later)
    assert Case.objects.get(pk=pending.pk).purged_at is None


@pytest.mark.django_db
def test_an_open_deadline_holds_a_case_whatever_its_date(coordinator):
    """A deadline left open (its citation closed by hand, the sweep not run) holds the case even
    years after its due day; once it is resolved, the case goes."""
    case = CaseFactory(opened_on=ISSUED, event__jurisdiction="PA")  # the statewide 10-day plea
    with time_machine.travel(at(TODAY), tick=False):
        citation = citation_create(case=case, by=coordinator, number="PA-77002", kind=CitationKind.PA_SUMMARY,
                                   offense_code="18 Pa.C.S. § 5502", issued_at=at(ISSUED))  # fmt: skip
    type(citation).objects.filter(pk=citation.pk).update(status="closed")
    Case.objects.filter(pk=case.pk).update(status="closed", closed_on=TODAY, retention_until=TODAY)
    later = TODAY + datetime.timedelta(days=2 * 365)
    report = purge_expired(by=coordinator, today=later, dry_run=True)
    assert report.purged == [] and any("bench-warrant risk" in r for r in report.held[case.number])
    Deadline.objects.filter(case=case).update(status=DeadlineStatus.CANCELLED)
    assert purge_expired(by=coordinator, today=later, dry_run=True).purged == [case.number]


@pytest.mark.django_db
def test_the_case_page_lists_the_pending_matters_and_asks_for_a_reasoned_confirmation(
    pending, lawyer, other_lawyer, observer, client_for
):
    url = f"/desk/cases/{pending.public_id}/close/"
    assert client_for(other_lawyer).post(url, {}).status_code == 404  # not their client: as if missing
    assert client_for(observer).post(url, {}).status_code == 403  # the role may not close cases
    page = client_for(lawyer)
    with time_machine.travel(at(TODAY)):
        assert url.encode() in page.get(f"/desk/cases/{pending.public_id}/").content  # the close button
        asked = page.post(url, {})
        assert asked.status_code == 409
        text = asked.content.decode()
        assert "Pennsylvania non-traffic summary citation" in text and "bench-warrant risk" in text
        assert 'name="confirm"' in text and 'name="note"' in text
        no_reason = page.post(url, {"confirm": "on", "note": " "})
        assert no_reason.status_code == 409 and "Say why" in no_reason.content.decode()
        assert Case.objects.get(pk=pending.pk).status == "active"
        done = page.post(url, {"confirm": "on", "note": "Client retained private counsel"})
    assert done.status_code == 302 and done["Location"] == f"/desk/cases/{pending.public_id}/"
    case = Case.objects.get(pk=pending.pk)
    assert case.status == "closed" and case.close_note == "Client retained private counsel"
    entry = AuditEntry.objects.get(action="case.close")
    assert entry.actor == lawyer and entry.details["confirmed"] is True
