"""The intake page (phone and desk), its suggestions while typing, and the release page: roles,
one-step registration, errors that keep what was typed, audit of reads, Spanish, query counts."""

from __future__ import annotations

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from cases.models import Arrest, AuditEntry, Case, CustodyStatus, Demonstrator
from citations.models import Citation, Deadline
from tests.auth import signed_in
from tests.factories import ArrestFactory, CaseFactory, DemonstratorFactory, EventFactory

PHL = ZoneInfo("America/New_York")
MANAGEMENT = {
    "citation-TOTAL_FORMS": "2", "citation-INITIAL_FORMS": "0",
    "citation-MIN_NUM_FORMS": "0", "citation-MAX_NUM_FORMS": "20",
}  # fmt: skip


@pytest.fixture
def event(db):  # type: ignore[no-untyped-def]
    return EventFactory(name="Kettle", jurisdiction="PA-PHL", starts_at=datetime.datetime(2026, 7, 4, 18, tzinfo=PHL))


def intake_body(event, **extra):  # type: ignore[no-untyped-def]
    return {
        **MANAGEMENT, "event": str(event.public_id), "legal_name": "Rosa Parker", "phone": "215 555 0199",
        "custody_status": "held", "arrested_at": "2026-07-04T21:05", "arrest_place": "8th and Arch",
        "citation-0-number": "SC-9001", "citation-0-kind": "traffic",  # a 10-day answer in Philadelphia
        "citation-0-offense_code": "18 Pa.C.S. § 5502", "citation-0-issued_at": "2026-07-04T23:10",
        "citation-1-kind": "",  # an untouched extra row, as the browser sends it
        **extra,
    }  # fmt: skip


@pytest.mark.django_db
def test_the_page_renders_for_coordinators_and_not_for_lawyers(coordinator, lawyer, event):
    page = signed_in(coordinator).get("/coordination/intake/")
    assert page.status_code == 200
    assert b'name="legal_name"' in page.content and b'name="citation-0-number"' in page.content
    assert b"js/intake.js" in page.content and b'name="viewport"' in page.content
    assert signed_in(lawyer).get("/coordination/intake/").status_code == 403


@pytest.mark.django_db
def test_submitting_creates_a_numbered_case_with_its_arrest_citation_and_deadlines(coordinator, event):
    response = signed_in(coordinator).post("/coordination/intake/", intake_body(event))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/cases/{case.public_id}/"
    assert case.number and case.event == event and case.demonstrator.legal_name == "Rosa Parker"
    assert Arrest.objects.get().case == case
    citation = Citation.objects.get()
    assert citation.case == case and Deadline.objects.filter(citation=citation).exists()


@pytest.mark.django_db
def test_a_refusal_keeps_everything_typed(coordinator, event):
    Citation.objects.all().delete()
    client = signed_in(coordinator)
    client.post("/coordination/intake/", intake_body(event))
    again = client.post("/coordination/intake/", intake_body(event, legal_name="Rosa Second", special_needs="insulin"))
    assert again.status_code == 400
    body = again.content.decode()
    assert 'value="Rosa Second"' in body and "insulin" in body and 'value="SC-9001"' in body
    assert "already exists" in body  # the citation number's refusal, on its row
    assert Case.objects.count() == 1 and Demonstrator.objects.count() == 1


@pytest.mark.django_db
def test_a_missing_name_or_arrest_time_is_named(coordinator, event):
    response = signed_in(coordinator).post(
        "/coordination/intake/", intake_body(event, legal_name="", arrested_at="", **{"citation-0-number": ""})
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "legal_name" in errors and "arrested_at" in errors
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_choosing_a_suggested_person_reuses_their_record(coordinator, event):
    person = DemonstratorFactory(legal_name="Rosa Parker")
    response = signed_in(coordinator).post(
        "/coordination/intake/", intake_body(event, existing_person=str(person.public_id), legal_name="")
    )
    assert response.status_code == 302
    assert Case.objects.get().demonstrator == person and Demonstrator.objects.count() == 1


@pytest.mark.django_db
def test_suggestions_while_typing_are_json_scoped_and_audited(coordinator, event):
    same_phone = DemonstratorFactory(legal_name="R. Parker", phone="(215) 555-0199")
    close = DemonstratorFactory(legal_name="Rosa Parkar")
    CaseFactory(event=event, demonstrator=close, number="2026-0777")
    DemonstratorFactory(legal_name="Someone Else")
    response = signed_in(coordinator).post(
        "/coordination/intake/duplicates/",
        {"event": str(event.public_id), "legal_name": "Rosa Parker", "phone": "215-555-0199"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    found = {s["id"]: s for s in response.json()["suggestions"]}
    assert set(found) == {str(same_phone.public_id), str(close.public_id)}
    assert found[str(same_phone.public_id)]["reasons"] == ["same phone"]
    assert found[str(close.public_id)]["reasons"] == ["similar name at this event"]
    assert found[str(close.public_id)]["cases"] == [{"number": "2026-0777", "event": "Kettle"}]
    entry = AuditEntry.objects.get(action="demonstrator.search")
    assert entry.details == {"query_kind": "intake_suggestions", "count": 2}
    assert "Parker" not in json.dumps(entry.details) + str(entry.fields)


@pytest.mark.django_db
def test_suggestions_are_refused_to_other_roles_and_never_by_get(lawyer, coordinator):
    assert signed_in(lawyer).post("/coordination/intake/duplicates/", {"legal_name": "x"}).status_code == 403
    assert signed_in(coordinator).get("/coordination/intake/duplicates/?legal_name=x").status_code == 405
    assert Client().post("/coordination/intake/duplicates/", HTTP_ACCEPT="application/json").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("people", [1, 30])
def test_the_suggestions_query_count_is_flat(coordinator, event, people, django_assert_max_num_queries):
    for i in range(people):
        CaseFactory(event=event, demonstrator=DemonstratorFactory(legal_name=f"Rosa Parkar {i}"))
    client = signed_in(coordinator)
    # session, user, authenticator, role; the event; exact matches; the event's names; the close
    # ones; their cases; the audit entry (chain head, insert, head update); the session's save
    # (a savepoint, the update, its release)
    with django_assert_max_num_queries(15):
        response = client.post(
            "/coordination/intake/duplicates/", {"event": str(event.public_id), "legal_name": "Rosa Parkar 1"}
        )
    assert response.status_code == 200 and response.json()["suggestions"]


@pytest.mark.django_db
def test_the_page_reads_in_spanish(coordinator, event):
    page = signed_in(coordinator).get("/coordination/intake/", HTTP_ACCEPT_LANGUAGE="es")
    assert "Registrar" in page.content.decode()


@pytest.mark.django_db
def test_the_release_page_records_the_release_and_its_citation(coordinator, event):
    arrest = ArrestFactory(
        case=CaseFactory(event=event), arrested_at=datetime.datetime(2026, 7, 4, 21, tzinfo=PHL), custody_status="held"
    )
    client = signed_in(coordinator)
    page = client.get(f"/coordination/custody/{arrest.public_id}/release/")
    assert page.status_code == 200 and arrest.case.number in page.content.decode()
    response = client.post(
        f"/coordination/custody/{arrest.public_id}/release/",
        {**MANAGEMENT, "released_at": "2026-07-05T04:10", "citation-0-number": "SC-5",
         "citation-0-kind": "phl_cvn", "citation-0-offense_code": "10-611", "citation-0-issued_at": "2026-07-05T03:50"},
    )  # fmt: skip
    assert response.status_code == 302
    arrest.refresh_from_db()
    assert arrest.custody_status == CustodyStatus.CITED_RELEASED
    assert Citation.objects.get().case == arrest.case


@pytest.mark.django_db
def test_a_release_before_the_arrest_is_refused_on_its_field(coordinator, event):
    arrest = ArrestFactory(case=CaseFactory(event=event), arrested_at=datetime.datetime(2026, 7, 4, 21, tzinfo=PHL))
    response = signed_in(coordinator).post(
        f"/coordination/custody/{arrest.public_id}/release/", {**MANAGEMENT, "released_at": "2026-07-04T20:00"}
    )
    assert response.status_code == 400 and "released_at" in response.context["form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize("events", [1, 20])
def test_the_intake_page_query_count_is_flat(coordinator, events, django_assert_max_num_queries):
    for i in range(events):
        EventFactory(name=f"Event {i}")
    client = signed_in(coordinator)
    # session, user, authenticator, role; the event list (read twice by the select's rendering);
    # the session's save (a savepoint, the update, its release)
    with django_assert_max_num_queries(9):
        page = client.get("/coordination/intake/")
    assert page.status_code == 200 and page.content.decode().count("<option value=") >= events


@pytest.mark.django_db
@pytest.mark.parametrize("citations", [0, 5])
def test_registering_costs_the_same_for_a_new_or_a_chosen_person(coordinator, event, citations):
    """A posted intake with several citations stays within the detector's limit (no read per row)."""
    body = intake_body(event)
    for i in range(citations):
        body.update({f"citation-{i}-number": f"SC-Q{i}", f"citation-{i}-kind": "pa_summary",
                     f"citation-{i}-offense_code": "18 Pa.C.S. § 5502", f"citation-{i}-issued_at": "2026-07-04T23:10"})  # fmt: skip
    body["citation-TOTAL_FORMS"] = str(max(2, citations))
    response = signed_in(coordinator).post("/coordination/intake/", body)
    assert response.status_code == 302 and Citation.objects.count() == max(citations, 1)
