"""The bulk actions over the API: a preview unless the body confirms, the report of what was
left alone and why, and the same 404 for a record out of the caller's scope."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.test import TestCase

from cases.models import AuditEntry, Payer
from citations import services
from citations.models import Citation, CitationKind, Disposition, Response
from tests.api.conftest import client_with_token
from tests.citations.conftest import local
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_mass_disposition_preview_then_confirm(make_citation, phl_event, coordinator, clock):  # type: ignore[no-untyped-def]
    clock(2026, 6, 10, 12)
    paid, plain, dismissed = (make_citation(kind=CitationKind.PHL_CVN) for _ in range(3))
    services.citation_record_response(citation=paid, response=Response.PAID, at=local(2026, 6, 2, 9), by=coordinator)
    services.payment_record(
        citation=paid, amount="50.00", payer=Payer.SELF, paid_on=datetime.date(2026, 6, 5), by=coordinator
    )
    services.citation_record_disposition(
        citation=dismissed, disposition=Disposition.DISMISSED, decided_on=datetime.date(2026, 6, 5), by=coordinator
    )
    client = client_with_token(coordinator)
    body = {"event": str(phl_event.public_id), "kind": "phl_cvn", "issued_from": "2026-06-01",
            "issued_to": "2026-06-01", "disposition": "waived", "decided_on": "2026-06-09"}  # fmt: skip

    preview = client.post("/api/v1/bulk/mass-disposition/", body, format="json")
    assert preview.status_code == 200
    report = preview.json()
    assert report["preview"] is True and report["batch"] == ""
    assert {row["number"] for row in report["decided"]} == {paid.number, plain.number}
    assert [(row["number"], "Cannot" in row["reason"]) for row in report["skipped"]] == [(dismissed.number, True)]
    assert report["refunds"] == [
        {"citation": str(paid.public_id), "number": paid.number, "case": paid.case.number, "payer": "self",
         "amount": "50.00"}
    ]  # fmt: skip
    assert report["refund_total"] == "50.00"
    assert set(Citation.objects.values_list("disposition", flat=True)) == {Disposition.PENDING, Disposition.DISMISSED}

    # Confirmed: 202 with the run's status URL; the run goes on in the background (the tests'
    # immediate task backend runs it on commit).
    with TestCase.captureOnCommitCallbacks(execute=True):
        queued = client.post("/api/v1/bulk/mass-disposition/", {**body, "confirm": True}, format="json")
    assert queued.status_code == 202
    started = queued.json()
    assert (started["status"], started["done"], started["total"]) == ("queued", 0, 3)
    assert started["status_url"] == f"/api/v1/bulk/mass-disposition/{started['id']}/"
    done = client.get(started["status_url"])
    assert done.status_code == 200
    report = done.json()
    assert (report["status"], report["done"], report["decided_count"], report["skipped_count"]) == ("done", 3, 2, 1)
    assert {row["number"] for row in report["decided"]} == {paid.number, plain.number}
    assert [row["number"] for row in report["skipped"]] == [dismissed.number] and report["skipped"][0]["reason"]
    assert [(r["number"], r["payer"], r["amount"]) for r in report["refunds"]] == [(paid.number, "self", "50.00")]
    assert Citation.objects.filter(disposition=Disposition.WAIVED).count() == 2
    assert AuditEntry.objects.get(action="citation.mass_disposition").details["batch"] == report["batch"]


def test_mass_disposition_of_an_unknown_event_is_404(coordinator):  # type: ignore[no-untyped-def]
    body = {"event": str(uuid.uuid4()), "kind": "phl_cvn", "issued_from": "2026-06-01", "issued_to": "2026-06-01",
            "disposition": "waived", "decided_on": "2026-06-09", "confirm": True}  # fmt: skip
    assert client_with_token(coordinator).post("/api/v1/bulk/mass-disposition/", body, format="json").status_code == 404


def test_bulk_assignment(coordinator, lawyer, observer):  # type: ignore[no-untyped-def]
    cases = [CaseFactory(status="intake") for _ in range(2)]
    client = client_with_token(coordinator)
    ids = [str(c.public_id) for c in cases]
    preview = client.post("/api/v1/bulk/assign/", {"lawyer": lawyer.username, "cases": ids}, format="json")
    assert preview.status_code == 200 and len(preview.json()["assigned"]) == 2 and not lawyer.assigned_cases.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the run is queued on commit (run at once here)
        queued = client.post(
            "/api/v1/bulk/assign/", {"lawyer": lawyer.username, "cases": ids, "confirm": True}, format="json"
        )
    assert queued.status_code == 202 and queued.json()["status"] == "queued" and queued.json()["action"] == "assign"
    done = client.get(queued.json()["status_url"])
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert sorted(row["number"] for row in done.json()["assigned"]) == sorted(c.number for c in cases)
    assert lawyer.assigned_cases.count() == 2
    assert client_with_token(lawyer).get(queued.json()["status_url"]).status_code == 403
    not_a_lawyer = client.post(
        "/api/v1/bulk/assign/", {"lawyer": observer.username, "cases": ids, "confirm": True}, format="json"
    )
    assert not_a_lawyer.status_code == 400 and not observer.assigned_cases.exists()
    missing = client.post(
        "/api/v1/bulk/assign/", {"lawyer": lawyer.username, "cases": [str(uuid.uuid4())]}, format="json"
    )
    assert missing.status_code == 404


def test_hearing_outcomes_only_for_the_callers_list(make_citation, coordinator, lawyer, other_lawyer, clock):  # type: ignore[no-untyped-def]
    clock(2026, 6, 10, 8)
    mine = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, case=CaseFactory(lawyers=[lawyer]))
    theirs = make_citation(kind=CitationKind.PHL_SUMMARY_NTA, case=CaseFactory(lawyers=[other_lawyer]))
    for citation in (mine, theirs):
        services.citation_schedule_hearing(
            citation=citation, hearing_at=local(2026, 6, 10, 9, 30), courtroom="1104", by=coordinator
        )
    clock(2026, 6, 10, 16)
    client = client_with_token(lawyer)
    out_of_scope = client.post(
        "/api/v1/bulk/hearing-outcomes/",
        {"date": "2026-06-10", "outcomes": [{"citation": str(theirs.public_id), "disposition": "dismissed"}],
         "confirm": True},
        format="json",
    )  # fmt: skip
    assert out_of_scope.status_code == 404
    with TestCase.captureOnCommitCallbacks(execute=True):  # the run is queued on commit (run at once here)
        queued = client.post(
            "/api/v1/bulk/hearing-outcomes/",
            {"date": "2026-06-10", "courtroom": "1104",
             "outcomes": [{"citation": str(mine.public_id), "disposition": "dismissed"}], "confirm": True},
            format="json",
        )  # fmt: skip
    assert queued.status_code == 202
    done = client.get(queued.json()["status_url"])
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert [(row["number"], row["disposition"]) for row in done.json()["decided"]] == [(mine.number, "dismissed")]
    assert client_with_token(other_lawyer).get(queued.json()["status_url"]).status_code == 404  # not theirs
    assert Citation.objects.get(pk=mine.pk).disposition == Disposition.DISMISSED
    assert Citation.objects.get(pk=theirs.pk).disposition == Disposition.PENDING
