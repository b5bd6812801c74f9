"""The intake desk over the API: one-step intake and a release, for coordinators."""

from __future__ import annotations

import pytest

from cases.models import Case, CustodyStatus, Demonstrator
from citations.models import Citation
from tests.api.conftest import client_with_token
from tests.factories import ArrestFactory, CaseFactory, DemonstratorFactory, EventFactory

WHEN = "2026-07-04T23:10:00-04:00"


def citation(number: str) -> dict[str, str]:
    # traffic: a 10-day answer in Philadelphia (a non-traffic summary citation there follows Rule 1002)
    return {"number": number, "kind": "traffic", "offense_code": "18 Pa.C.S. § 5502", "issued_at": WHEN}


@pytest.mark.django_db
def test_intake_creates_a_numbered_case_with_citations_and_their_deadlines(coordinator):
    event = EventFactory()
    response = client_with_token(coordinator).post(
        "/api/v1/intake/",
        {"event": str(event.public_id), "person": {"legal_name": "Lee Marsh", "phone": "215-555-0101"},
         "arrest": {"arrested_at": "2026-07-04T21:00:00-04:00", "custody_status": "held", "place": "8th and Arch"},
         "citations": [citation("API-1"), citation("API-2")]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    case = Case.objects.get(public_id=body["case"]["id"])
    assert body["case"]["number"] == case.number != "" and body["person_created"] and body["case_created"]
    assert body["arrest"]["place"] == "8th and Arch"
    assert [c["number"] for c in body["citations"]] == ["API-1", "API-2"]
    assert all(c["deadlines"] for c in body["citations"])


@pytest.mark.django_db
def test_intake_refusals_name_the_part_and_write_nothing(coordinator):
    event = EventFactory()
    client = client_with_token(coordinator)
    person = DemonstratorFactory()
    both = client.post(
        "/api/v1/intake/",
        {"event": str(event.public_id), "person": {"legal_name": "X"}, "existing_person": str(person.public_id)},
        format="json",
    )
    assert both.status_code == 400
    twice = client.post(
        "/api/v1/intake/",
        {"event": str(event.public_id), "person": {"legal_name": "Y"}, "citations": [citation("D-1"), citation("D-1")]},
        format="json",
    )
    assert twice.status_code == 400 and "citations.1" in str(twice.json())
    assert Demonstrator.objects.count() == 1 and not Case.objects.exists() and not Citation.objects.exists()


@pytest.mark.django_db
def test_intake_reuses_a_chosen_person_and_refuses_lawyers(coordinator, lawyer):
    event = EventFactory()
    person = DemonstratorFactory()
    response = client_with_token(coordinator).post(
        "/api/v1/intake/", {"event": str(event.public_id), "existing_person": str(person.public_id)}, format="json"
    )
    assert response.status_code == 201 and response.json()["person"] == str(person.public_id)
    assert not response.json()["person_created"]
    refused = client_with_token(lawyer).post(
        "/api/v1/intake/", {"event": str(event.public_id), "existing_person": str(person.public_id)}, format="json"
    )
    assert refused.status_code == 403


@pytest.mark.django_db
def test_release_records_the_release_and_its_citation(coordinator):
    arrest = ArrestFactory(case=CaseFactory(), arrested_at="2026-07-04T21:00:00-04:00", custody_status="held")
    response = client_with_token(coordinator).post(
        f"/api/v1/custody/{arrest.public_id}/release/",
        {"released_at": "2026-07-05T04:00:00-04:00", "citations": [citation("R-1")]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    arrest.refresh_from_db()
    assert arrest.custody_status == CustodyStatus.CITED_RELEASED
    assert response.json()["citations"][0]["case"] == str(arrest.case.public_id)
