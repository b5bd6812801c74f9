"""Citations through the API: created with their deadlines, moved only by the lifecycle services,
money exact to the cent, filters by due date and badge, deadlines read only."""

from __future__ import annotations

import datetime

from django.utils import timezone

from citations.models import Payment


def test_a_new_citation_comes_back_with_its_deadline(world, clients):
    issued = timezone.now() - datetime.timedelta(hours=3)
    response = clients["lawyer"].post(
        "/api/v1/citations/",
        {
            "case": str(world.case_a.public_id),
            "number": "SC-9001",
            "kind": "pa_summary",
            "offense_code": "18 Pa.C.S. § 5503",
            "issued_at": issued.isoformat(),
            "fine": "75.00",
            "officer_badge_as_written": "4242",
            "issuing_officer": str(world.officer.public_id),
        },  # fmt: skip
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "issued" and body["case_number"] == world.case_a.number
    assert [d["kind"] for d in body["deadlines"]] == ["respond"]
    assert body["deadlines"][0]["warrant_risk"] is True
    assert body["balance"] == {
        "owed": "75.00", "paid": "0.00", "refunded": "0.00", "balance_due": "75.00", "refund_due": "0.00",
    }  # fmt: skip


def test_lifecycle_fields_cannot_be_written_directly(world, clients):
    path = f"/api/v1/citations/{world.citation_a.public_id}/"
    response = clients["lawyer"].patch(path, {"status": "closed", "disposition": "dismissed"}, format="json")
    assert response.status_code == 200  # ignored, like every server-controlled field
    world.citation_a.refresh_from_db()
    assert (world.citation_a.status, world.citation_a.disposition) == ("issued", "pending")


def test_a_plea_meets_the_answer_deadline(world, clients):
    path = f"/api/v1/citations/{world.citation_a.public_id}/plea/"
    response = clients["lawyer"].post(path, {"response": "not_guilty"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "answered" and body["response"] == "not_guilty"
    assert {d["kind"]: d["status"] for d in body["deadlines"]}["respond"] == "met"


def test_an_invalid_move_is_refused_with_the_reason(world, clients):
    response = clients["lawyer"].post(
        f"/api/v1/citations/{world.citation_a.public_id}/appeal/",
        {"filed_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert "conviction" in response.json()["errors"][0]["message"]
    wrong_plea = clients["lawyer"].post(
        f"/api/v1/citations/{world.citation_a.public_id}/response/", {"response": "paid"}, format="json"
    )
    assert wrong_plea.status_code == 400
    assert wrong_plea.json()["errors"][0]["field"] == "response"


def test_payments_are_exact_and_overpayment_is_refused(world, clients):
    path = f"/api/v1/citations/{world.citation_a.public_id}/payments/"
    today = timezone.localdate().isoformat()
    first = clients["lawyer"].post(path, {"amount": "30.00", "payer": "bail_fund", "paid_on": today}, format="json")
    assert first.status_code == 201 and first.json()["amount"] == "30.00"
    too_much = clients["lawyer"].post(path, {"amount": "20.01", "payer": "self", "paid_on": today}, format="json")
    assert too_much.status_code == 400 and too_much.json()["errors"][0]["field"] == "amount"
    fractional = clients["lawyer"].post(path, {"amount": "1.005", "payer": "self", "paid_on": today}, format="json")
    assert fractional.status_code == 400
    rest = clients["lawyer"].post(path, {"amount": "20.00", "payer": "self", "paid_on": today}, format="json")
    assert rest.status_code == 201
    listed = clients["lawyer"].get(path).json()
    assert [(p["amount"], p["payer"]) for p in listed] == [("30.00", "bail_fund"), ("20.00", "self")]
    citation = clients["lawyer"].get(f"/api/v1/citations/{world.citation_a.public_id}/").json()
    assert citation["balance"]["balance_due"] == "0.00" and citation["balance"]["paid"] == "50.00"


def test_a_retried_payment_with_its_key_is_recorded_once(world, clients):
    path = f"/api/v1/citations/{world.citation_a.public_id}/payments/"
    body = {"amount": "25.00", "payer": "bail_fund", "paid_on": timezone.localdate().isoformat()}
    first = clients["lawyer"].post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="pay-7")
    again = clients["lawyer"].post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="pay-7")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert Payment.objects.filter(citation=world.citation_a).count() == 1


def test_citations_filter_by_due_window_badge_and_lawyer(world, clients):
    coordinator = clients["coordinator"]
    due = world.citation_a.deadlines.get().due_on
    inside = f"due_after={due.isoformat()}&due_before={due.isoformat()}"
    outside = f"due_after={(due + datetime.timedelta(days=1)).isoformat()}"
    assert {c["id"] for c in coordinator.get(f"/api/v1/citations/?{inside}").json()["results"]} >= {
        str(world.citation_a.public_id)
    }
    assert coordinator.get(f"/api/v1/citations/?{outside}").json()["count"] == 0
    assert coordinator.get("/api/v1/citations/?lawyer=laura_lawyer").json()["count"] == 1
    assert clients["lawyer"].get("/api/v1/citations/?lawyer=me").json()["count"] == 1
    assert coordinator.get("/api/v1/citations/?officer_badge=4242").json()["count"] == 0
    assert coordinator.get("/api/v1/citations/?q=SC-0002").json()["count"] == 1


def test_deadlines_list_for_the_week_and_overdue(world, clients):
    lawyer = clients["lawyer"]
    today = timezone.localdate()
    week = lawyer.get(
        f"/api/v1/deadlines/?due_after={today.isoformat()}&due_before={(today + datetime.timedelta(days=14)).isoformat()}"
    ).json()
    assert [d["citation"] for d in week["results"]] == [str(world.citation_a.public_id)]
    assert week["results"][0]["rule"]["source"]
    assert lawyer.get("/api/v1/deadlines/?overdue=true").json()["count"] == 0
    assert lawyer.get("/api/v1/deadlines/?kind=appeal").json()["count"] == 0
    assert clients["other_lawyer"].get(f"/api/v1/deadlines/?citation={world.citation_a.public_id}").json()["count"] == 0
