"""The citation lifecycle per track: every allowed move succeeds through its service, records
who and when and an audit entry; every other move is refused with a clear message and changes
nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.models import AuditEntry
from citations import lifecycle as lc
from citations import services
from citations.models import Citation, CitationKind, CitationStatus, Disposition, Response
from tests.citations.conftest import local

S = CitationStatus
# One kind per track ('other' follows the same generic track as 'traffic', asserted below).
KINDS = [CitationKind.PA_SUMMARY, CitationKind.PHL_SUMMARY_NTA, CitationKind.PHL_CVN, CitationKind.TRAFFIC]
ACTIONS = [lc.RESPOND, lc.SCHEDULE_HEARING, lc.DOCKET, lc.DECIDE, lc.OPEN_APPEAL_WINDOW, lc.APPEAL, lc.CLOSE]
NOW = (2026, 6, 20, 12)


def put_in_state(citation: Citation, state: str, action: str) -> Citation:
    """Force a starting state (test set-up only), with the fields the action needs around it."""
    track = lc.track_for(citation.kind)
    values: dict = {"status": state}
    if action == lc.SCHEDULE_HEARING and state == S.ANSWERED:
        values["response"] = sorted(track.hearing_after or track.responses)[0]
    if action in (lc.OPEN_APPEAL_WINDOW, lc.APPEAL) or state in (S.DECIDED, S.APPEAL_WINDOW, S.APPEALED, S.CLOSED):
        values.update(disposition=Disposition.GUILTY, decided_on=datetime.date(2026, 6, 10))
    Citation.objects.filter(pk=citation.pk).update(**values)
    citation.refresh_from_db()
    return citation


def perform(action: str, citation: Citation, by, state: str) -> Citation:  # type: ignore[no-untyped-def]
    track = lc.track_for(citation.kind)
    if action == lc.RESPOND:
        return services.citation_record_response(
            citation=citation, response=sorted(track.responses)[0], at=local(2026, 6, 3, 10), by=by
        )
    if action == lc.SCHEDULE_HEARING:
        return services.citation_schedule_hearing(
            citation=citation, hearing_at=local(2026, 7, 1, 9), courtroom="1104", by=by
        )
    if action == lc.DOCKET:
        return services.citation_record_docketed(citation=citation, docket_number="MC-51-SU-0001", by=by)
    if action == lc.DECIDE:
        disposition = Disposition.DISMISSED if state == S.ISSUED else Disposition.GUILTY
        return services.citation_record_disposition(
            citation=citation, disposition=disposition, decided_on=datetime.date(2026, 6, 12), by=by
        )
    if action == lc.OPEN_APPEAL_WINDOW:
        return services.citation_open_appeal_window(citation=citation, by=by)
    if action == lc.APPEAL:
        return services.citation_record_appeal(citation=citation, filed_on=datetime.date(2026, 6, 15), by=by)
    return services.citation_close(citation=citation, by=by, appeal_waived=True)


ALLOWED = [(kind, action, state) for kind in KINDS for action in ACTIONS for state in lc.allowed_from(kind, action)]
REFUSED = [
    (kind, action, state)
    for kind in KINDS
    for action in ACTIONS
    for state in S.values
    if lc.next_state(kind, action, state) is None
]


@pytest.mark.parametrize(("kind", "action", "state"), ALLOWED)
def test_every_allowed_move_succeeds_and_is_recorded(kind, action, state, make_citation, coordinator, clock):
    clock(*NOW)
    citation = put_in_state(make_citation(kind=kind), state, action)
    before = AuditEntry.objects.count()
    result = perform(action, citation, coordinator, state)
    citation.refresh_from_db()
    assert citation.status == lc.next_state(kind, action, state) == result.status
    assert citation.status_changed_by == coordinator
    assert citation.status_changed_at == local(*NOW)
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == f"citation.{action}" and entry.details == {"from": state, "to": citation.status}


@pytest.mark.parametrize(("kind", "action", "state"), REFUSED)
def test_every_other_move_is_refused_and_changes_nothing(kind, action, state, make_citation, coordinator, clock):
    clock(*NOW)
    citation = put_in_state(make_citation(kind=kind), state, action)
    snapshot = Citation.objects.filter(pk=citation.pk).values().get()
    audit = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        perform(action, citation, coordinator, state)
    assert Citation.objects.filter(pk=citation.pk).values().get() == snapshot
    assert AuditEntry.objects.count() == audit
    message = " ".join(refused.value.messages)
    assert "Cannot" in message or "not tracked" in message


def test_the_table_has_every_track_and_step():
    assert set(lc.TRACKS) == {CitationKind.PA_SUMMARY, CitationKind.PHL_SUMMARY_NTA, CitationKind.PHL_CVN, lc.GENERIC}
    assert lc.track_for(CitationKind.TRAFFIC) is lc.track_for(CitationKind.OTHER) is lc.TRACKS[lc.GENERIC]
    assert len(ALLOWED) > 50 and len(REFUSED) > 100


# --- each track, start to finish ----------------------------------------------------------


def test_statewide_summary_citation_from_plea_to_appeal_to_close(make_citation, coordinator, clock):
    clock(2026, 6, 3, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY)
    assert citation.status == S.ISSUED and citation.docketed is False  # not yet docketed is normal
    services.citation_record_response(
        citation=citation, response=Response.NOT_GUILTY, at=local(2026, 6, 2, 18), by=coordinator
    )
    assert citation.status == S.ANSWERED and citation.response == Response.NOT_GUILTY
    clock(2026, 6, 16, 9)
    services.citation_record_docketed(citation=citation, docket_number="MJ-51301-NT-1", by=coordinator)
    assert citation.docketed and citation.status == S.ANSWERED
    services.citation_schedule_hearing(
        citation=citation, hearing_at=local(2026, 7, 8, 9), courtroom="1", by=coordinator
    )
    clock(2026, 7, 8, 12)
    services.citation_record_disposition(
        citation=citation, disposition=Disposition.GUILTY, decided_on=datetime.date(2026, 7, 8), by=coordinator
    )
    services.citation_open_appeal_window(citation=citation, by=coordinator)
    assert citation.status == S.APPEAL_WINDOW
    services.citation_record_appeal(citation=citation, filed_on=datetime.date(2026, 7, 8), by=coordinator)
    assert citation.status == S.APPEALED and citation.appealed_on == datetime.date(2026, 7, 8)
    # The trial de novo is a new hearing, then a new decision.
    services.citation_schedule_hearing(
        citation=citation, hearing_at=local(2026, 8, 3, 9), courtroom="CP", by=coordinator
    )
    clock(2026, 8, 3, 12)
    services.citation_record_disposition(
        citation=citation, disposition=Disposition.NOT_GUILTY, decided_on=datetime.date(2026, 8, 3), by=coordinator
    )
    services.citation_close(citation=citation, by=coordinator)
    citation.refresh_from_db()
    assert (citation.status, citation.disposition, citation.closed_on) == (
        S.CLOSED, Disposition.NOT_GUILTY, datetime.date(2026, 8, 3),
    )  # fmt: skip


def test_notice_to_appear_starts_with_its_hearing(make_citation, coordinator, clock):
    clock(2026, 6, 3, 9)
    citation = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, hearing_at=local(2026, 6, 24, 9), courtroom="1104")
    assert citation.status == S.HEARING_SCHEDULED and citation.courtroom == "1104"
    services.citation_record_response(
        citation=citation, response=Response.NOT_GUILTY, at=local(2026, 6, 3, 8), by=coordinator
    )
    assert citation.status == S.HEARING_SCHEDULED  # a plea does not undo the notice to appear


def test_statewide_summary_citation_cannot_carry_a_hearing_before_a_plea(make_citation, coordinator, clock):
    clock(2026, 6, 3, 9)
    with pytest.raises(ValidationError, match="only from: Answered"):
        make_citation(kind=CitationKind.PA_SUMMARY, hearing_at=local(2026, 6, 24, 9))
    citation = make_citation(kind=CitationKind.PA_SUMMARY)
    services.citation_record_response(
        citation=citation, response=Response.GUILTY, at=local(2026, 6, 2, 8), by=coordinator
    )
    with pytest.raises(ValidationError, match="only after: plea of not guilty"):
        services.citation_schedule_hearing(
            citation=citation, hearing_at=local(2026, 7, 1, 9), courtroom="", by=coordinator
        )


def test_code_violation_notice_paid_then_decided_and_closed(make_citation, coordinator, clock):
    clock(2026, 6, 5, 9)
    citation = make_citation(kind=CitationKind.PHL_CVN)
    with pytest.raises(ValidationError, match="answered by one of: Disputed .*Paid"):
        services.citation_record_response(
            citation=citation, response=Response.GUILTY, at=local(2026, 6, 2, 8), by=coordinator
        )
    with pytest.raises(ValidationError, match="only be dismissed, withdrawn or waived"):
        services.citation_record_disposition(
            citation=citation, disposition=Disposition.PAID, decided_on=datetime.date(2026, 6, 4), by=coordinator
        )
    disputed = make_citation(kind=CitationKind.PHL_CVN)
    services.citation_record_response(
        citation=disputed, response=Response.DISPUTED, at=local(2026, 6, 2, 8), by=coordinator
    )
    with pytest.raises(ValidationError, match="before deciding it as paid"):
        services.citation_record_disposition(
            citation=disputed, disposition=Disposition.PAID, decided_on=datetime.date(2026, 6, 4), by=coordinator
        )
    services.citation_record_response(
        citation=citation, response=Response.PAID, at=local(2026, 6, 2, 8), by=coordinator
    )
    with pytest.raises(ValidationError, match="only after: disputed"):
        services.citation_schedule_hearing(
            citation=citation, hearing_at=local(2026, 7, 1, 9), courtroom="", by=coordinator
        )
    services.citation_record_disposition(
        citation=citation, disposition=Disposition.PAID, decided_on=datetime.date(2026, 6, 4), by=coordinator
    )
    with pytest.raises(ValidationError, match="Appeals are not tracked"):
        services.citation_open_appeal_window(citation=citation, by=coordinator)
    services.citation_close(citation=citation, by=coordinator)
    assert citation.status == S.CLOSED


def test_disputed_notice_goes_to_administrative_review(make_citation, coordinator, clock):
    clock(2026, 6, 5, 9)
    citation = make_citation(kind=CitationKind.PHL_CVN)
    services.citation_record_response(
        citation=citation, response=Response.DISPUTED, at=local(2026, 6, 2, 8), by=coordinator
    )
    services.citation_schedule_hearing(
        citation=citation, hearing_at=local(2026, 6, 30, 10), courtroom="OAR", by=coordinator
    )
    clock(2026, 7, 2, 9)
    services.citation_record_disposition(
        citation=citation, disposition=Disposition.NOT_GUILTY, decided_on=datetime.date(2026, 7, 1), by=coordinator
    )
    assert citation.status == S.DECIDED


def test_a_citation_can_only_be_dropped_before_a_plea(make_citation, coordinator, clock):
    clock(2026, 6, 5, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY)
    with pytest.raises(ValidationError, match="only be dismissed, withdrawn or waived"):
        services.citation_record_disposition(
            citation=citation, disposition=Disposition.GUILTY, decided_on=datetime.date(2026, 6, 4), by=coordinator
        )
    with pytest.raises(ValidationError, match="can be decided only as"):
        services.citation_record_disposition(
            citation=citation, disposition=Disposition.PAID, decided_on=datetime.date(2026, 6, 4), by=coordinator
        )
    services.citation_record_disposition(
        citation=citation, disposition=Disposition.WITHDRAWN, decided_on=datetime.date(2026, 6, 4), by=coordinator
    )
    assert citation.status == S.DECIDED and citation.disposition == Disposition.WITHDRAWN


def test_dates_are_checked(make_citation, coordinator, clock):
    clock(2026, 6, 5, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY, issued_at=local(2026, 6, 1, 22))
    with pytest.raises(ValidationError, match="before the citation was issued"):
        services.citation_record_response(
            citation=citation, response=Response.GUILTY, at=local(2026, 6, 1, 21), by=coordinator
        )
    with pytest.raises(ValidationError, match="future"):
        services.citation_record_response(
            citation=citation, response=Response.GUILTY, at=local(2026, 6, 6, 9), by=coordinator
        )
    with pytest.raises(ValidationError, match="time zone"):
        services.citation_record_response(
            citation=citation, response=Response.GUILTY, at=datetime.datetime(2026, 6, 2, 9), by=coordinator
        )
    with pytest.raises(ValidationError, match="future"):
        services.citation_record_disposition(
            citation=citation, disposition=Disposition.DISMISSED, decided_on=datetime.date(2026, 6, 6), by=coordinator
        )
    with pytest.raises(ValidationError, match="before the citation was issued"):
        services.citation_record_disposition(
            citation=citation, disposition=Disposition.DISMISSED, decided_on=datetime.date(2026, 5, 31), by=coordinator
        )
    assert Citation.objects.get(pk=citation.pk).status == S.ISSUED


def test_closing_during_an_open_appeal_window_needs_an_explicit_waiver(make_citation, coordinator, clock):
    clock(2026, 6, 20, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY)
    services.citation_record_response(  # not guilty: a guilty plea would start the window itself
        citation=citation, response=Response.NOT_GUILTY, at=local(2026, 6, 2, 8), by=coordinator
    )
    services.citation_record_disposition(
        citation=citation, disposition=Disposition.GUILTY, decided_on=datetime.date(2026, 6, 19), by=coordinator
    )
    with pytest.raises(ValidationError, match="appeal window is open until 2026-07-20"):
        services.citation_close(citation=citation, by=coordinator)
    services.citation_close(citation=citation, by=coordinator, appeal_waived=True)
    assert citation.status == S.CLOSED


def test_docketing_again_with_the_same_number_is_a_harmless_retry(make_citation, coordinator, clock):
    clock(2026, 6, 20, 9)
    citation = make_citation(kind=CitationKind.PHL_CVN)
    services.citation_record_docketed(citation=citation, docket_number="X-1", by=coordinator)
    audit = AuditEntry.objects.count()
    services.citation_record_docketed(citation=citation, docket_number="X-1", by=coordinator)
    assert AuditEntry.objects.count() == audit
    with pytest.raises(ValidationError, match="docket number"):
        services.citation_record_docketed(citation=citation, docket_number="  ", by=coordinator)


def test_lifecycle_fields_cannot_be_set_or_edited_outside_the_lifecycle(make_citation, coordinator, clock):
    clock(2026, 6, 20, 9)
    with pytest.raises(ValidationError, match="cannot be set when creating"):
        make_citation(status=S.CLOSED)
    citation = make_citation()
    with pytest.raises(ValidationError, match="only through the lifecycle"):
        services.citation_update(citation=citation, by=coordinator, disposition=Disposition.DISMISSED)
    services.citation_update(citation=citation, by=coordinator, place="Broad & Vine")
    assert Citation.objects.get(pk=citation.pk).place == "Broad & Vine"


def test_admin_shows_lifecycle_fields_read_only(client_for, administrator, make_citation, clock):
    clock(2026, 6, 20, 9)
    from django.contrib.admin.sites import site

    from citations.admin import CitationAdmin

    lifecycle = {"status", "response", "responded_at", "hearing_at", "courtroom", "docket_number", "docketed",
                 "disposition", "decided_on", "appealed_on", "closed_on", "status_changed_at", "status_changed_by"}  # fmt: skip
    assert lifecycle <= set(CitationAdmin(Citation, site).readonly_fields)
    citation = make_citation()
    response = client_for(administrator).get(f"/admin/citations/citation/{citation.pk}/change/")
    assert response.status_code == 200
    assert b'name="status"' not in response.content and b'name="disposition"' not in response.content
