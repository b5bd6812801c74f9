"""Facts in order: a decision dated before its hearing, a plea after a decision, a hearing on a
day the court is closed or on a weekend are refused, or recorded only once confirmed, with the
reason shown on the page and in the API."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.models import Case
from citations import services
from citations.models import CitationKind, CitationStatus, Disposition, Response
from tests.api.conftest import client_with_token
from tests.citations.conftest import local

d = datetime.date


def test_a_decision_before_its_hearing_is_refused(make_citation, clock, coordinator):
    clock(2026, 6, 20, 9)
    citation = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, issued_at=local(2026, 6, 1, 12),
                             hearing_at=local(2026, 6, 15, 9))  # fmt: skip
    with pytest.raises(ValidationError, match="comes before the hearing of 2026-06-15"):
        services.citation_record_disposition(
            citation=citation, disposition=Disposition.GUILTY, decided_on=d(2026, 6, 10), by=coordinator
        )
    services.citation_record_disposition(  # dropped before the hearing: fine
        citation=citation, disposition=Disposition.WITHDRAWN, decided_on=d(2026, 6, 10), by=coordinator
    )
    assert citation.status == CitationStatus.DECIDED


def test_a_plea_after_a_decision_is_refused_with_the_reason(make_citation, clock, coordinator):
    clock(2026, 6, 20, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY, issued_at=local(2026, 6, 1, 12))
    services.citation_record_disposition(
        citation=citation, disposition=Disposition.DISMISSED, decided_on=d(2026, 6, 5), by=coordinator
    )
    with pytest.raises(ValidationError, match="decided"):
        services.citation_record_response(
            citation=citation, response=Response.GUILTY, at=local(2026, 6, 8, 9), by=coordinator
        )


def test_a_hearing_on_christmas_needs_confirmation(make_citation, clock, coordinator):
    clock(2026, 12, 1, 9)
    citation = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, issued_at=local(2026, 11, 30, 12))
    with pytest.raises(ValidationError, match="Christmas Day: the court is closed that day") as refused:
        services.citation_schedule_hearing(
            citation=citation, hearing_at=local(2026, 12, 25, 9), courtroom="1", by=coordinator
        )
    assert refused.value.error_dict["hearing_at"][0].code == "closed_day"
    with pytest.raises(ValidationError, match="may be closed that day"):  # Election Day: unconfirmed
        services.citation_create(
            case=citation.case, by=coordinator, number="T-X", kind=CitationKind.PHL_SUMMARY_NTA,
            offense_code="18 Pa.C.S. § 5502", issued_at=local(2026, 10, 1, 12), hearing_at=local(2026, 11, 3, 9),
        )  # fmt: skip
    services.citation_schedule_hearing(
        citation=citation, hearing_at=local(2026, 12, 25, 9), courtroom="1", by=coordinator, confirm_closed_day=True
    )
    assert citation.hearing_at == local(2026, 12, 25, 9)


def test_the_page_and_the_api_show_why_and_take_a_confirmation(make_citation, clock, client_for, lawyer):
    clock(2026, 12, 1, 9)
    citation = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, issued_at=local(2026, 11, 30, 12))
    Case.objects.get(pk=citation.case_id).lawyers.add(lawyer)
    url = f"/desk/citations/{citation.public_id}/hearing/"
    form = {"hearing-hearing_at": "2026-12-25T09:00", "hearing-courtroom": "3"}  # the form's prefix
    refused = client_for(lawyer).post(url, form)
    assert refused.status_code == 400 and "the court is closed that day" in refused.content.decode()
    done = client_for(lawyer).post(url, {**form, "hearing-confirm_closed_day": "on"})
    assert done.status_code == 302
    api = client_with_token(lawyer)
    path = f"/api/v1/citations/{citation.public_id}/hearing/"
    answer = api.post(path, {"hearing_at": "2027-01-01T09:00:00-05:00"}, format="json")
    assert answer.status_code == 400 and "New Year" in answer.content.decode()
    ok = api.post(path, {"hearing_at": "2027-01-01T09:00:00-05:00", "confirm_closed_day": True}, format="json")
    assert ok.status_code == 200


@pytest.mark.parametrize(
    ("hearing", "weekday"),
    [(local(2026, 12, 12, 9), "Saturday"), (local(2026, 12, 13, 10), "Sunday")],  # no closure those days
)
def test_a_hearing_on_a_weekend_needs_confirmation_with_the_reason(make_citation, clock, coordinator, hearing, weekday):
    clock(2026, 12, 1, 9)
    citation = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, issued_at=local(2026, 11, 30, 12))
    with pytest.raises(ValidationError, match=f"a {weekday}: courts do not usually sit on a weekend") as refused:
        services.citation_schedule_hearing(citation=citation, hearing_at=hearing, courtroom="1", by=coordinator)
    assert refused.value.error_dict["hearing_at"][0].code == "closed_day"
    assert citation.status == CitationStatus.ISSUED and citation.hearing_at is None
    with pytest.raises(ValidationError, match="a Saturday"):  # a notice to appear's date given at issue too
        services.citation_create(
            case=citation.case, by=coordinator, number="T-W", kind=CitationKind.PHL_SUMMARY_NTA,
            offense_code="18 Pa.C.S. § 5502", issued_at=local(2026, 11, 30, 12), hearing_at=local(2026, 12, 12, 9),
        )  # fmt: skip
    services.citation_schedule_hearing(
        citation=citation, hearing_at=hearing, courtroom="1", by=coordinator, confirm_closed_day=True
    )
    assert citation.hearing_at == hearing
    services.citation_schedule_hearing(  # a weekday needs nothing
        citation=citation, hearing_at=local(2026, 12, 14, 9), courtroom="1", by=coordinator
    )


def test_a_weekend_hearing_on_the_page_and_the_api_shows_why(make_citation, clock, client_for, lawyer):
    clock(2026, 12, 1, 9)
    citation = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, issued_at=local(2026, 11, 30, 12))
    Case.objects.get(pk=citation.case_id).lawyers.add(lawyer)
    url = f"/desk/citations/{citation.public_id}/hearing/"
    form = {"hearing-hearing_at": "2026-12-12T09:00", "hearing-courtroom": "3"}
    refused = client_for(lawyer).post(url, form)
    assert refused.status_code == 400 and "courts do not usually sit on a weekend" in refused.content.decode()
    assert client_for(lawyer).post(url, {**form, "hearing-confirm_closed_day": "on"}).status_code == 302
    api = client_with_token(lawyer)
    path = f"/api/v1/citations/{citation.public_id}/hearing/"
    answer = api.post(path, {"hearing_at": "2026-12-13T09:00:00-05:00"}, format="json")
    assert answer.status_code == 400 and "a Sunday: courts do not usually sit on a weekend" in answer.content.decode()
    ok = api.post(path, {"hearing_at": "2026-12-13T09:00:00-05:00", "confirm_closed_day": True}, format="json")
    assert ok.status_code == 200


def test_a_citation_made_through_the_api_with_a_weekend_hearing_needs_the_confirmation(make_citation, clock, lawyer):
    clock(2026, 12, 1, 9)
    case = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, issued_at=local(2026, 11, 30, 12)).case
    case.lawyers.add(lawyer)
    body = {
        "case": str(case.public_id), "number": "NTA-W1", "kind": "phl_summary_nta", "offense_code": "18 Pa.C.S. § 5502",
        "issued_at": "2026-11-30T12:00:00-05:00", "hearing_at": "2026-12-12T09:00:00-05:00", "courtroom": "1104",
    }  # fmt: skip
    api = client_with_token(lawyer)
    refused = api.post("/api/v1/citations/", body, format="json")
    assert (
        refused.status_code == 400 and "a Saturday: courts do not usually sit on a weekend" in refused.content.decode()
    )
    made = api.post("/api/v1/citations/", {**body, "confirm_closed_day": True}, format="json")
    assert made.status_code == 201 and made.json()["hearing_at"].startswith("2026-12-12")
