"""One officer's history across events, and merging unidentified records into them from there."""

import pytest

from cases.models import AuditEntry, ForceType, IncidentOfficer, Officer
from claims.models import Allegation
from claims.selectors import merge_candidates, officer_history
from tests.factories import (
    CaseFactory,
    CitationFactory,
    ComplaintFactory,
    EventFactory,
    IncidentFactory,
    OfficerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def stone(observer, lawyer, other_lawyer):
    march, rally = EventFactory(name="March"), EventFactory(name="Rally")
    stone = OfficerFactory(name="Ofc. Stone", badge_number="4471", unit="Bike Unit")
    hale = OfficerFactory(name="Sgt. Hale", badge_number="1200")
    baton, spray = ForceType.objects.get(code="baton"), ForceType.objects.exclude(code="baton").first()
    for event, forces, with_hale in ((march, [baton], True), (rally, [baton, spray], False)):
        incident = IncidentFactory(event=event, reporter=observer, place="Arch St")
        incident.force_types.set(forces)
        IncidentOfficer.objects.create(
            incident=incident, officer=stone, badge_as_seen="4471", features_as_seen="mirrored visor"
        )
        if with_hale:
            IncidentOfficer.objects.create(incident=incident, officer=hale)
    mine = ComplaintFactory(case=CaseFactory(event=march, lawyers=[lawyer]))
    mine.officers.add(stone)
    Allegation.objects.create(complaint=mine, officer=stone, finding="sustained", body_case_number="CPOC-9")
    theirs = ComplaintFactory(case=CaseFactory(event=rally, lawyers=[other_lawyer]))
    Allegation.objects.create(complaint=theirs, officer=stone, finding="unfounded", body_case_number="IA-3")
    CitationFactory.create_batch(2, case=CaseFactory(event=march), issuing_officer=stone)
    return {"stone": stone, "hale": hale, "march": march, "rally": rally}


def test_the_history_holds_incidents_force_findings_citations_and_co_accused(stone, lawyer, coordinator):
    h = officer_history(officer=stone["stone"], user=coordinator)
    assert [s["incident__event__name"] for s in h.sightings] and {s["incident__event__name"] for s in h.sightings} == {
        "March",
        "Rally",
    }
    assert {s["features_as_seen"] for s in h.sightings} == {"mirrored visor"}
    assert dict(h.force_types)["Baton"] == 2
    assert (h.findings["sustained"], h.findings["unfounded"], h.findings["pending"]) == (1, 1, 0)
    assert h.complaints == 1
    assert [(c["case__event__name"], c["n"]) for c in h.citations] == [("March", 2)]
    assert h.co_accused == [(stone["hale"], 1)]
    assert {a.body_case_number for a in h.allegations} == {"CPOC-9", "IA-3"}
    # a lawyer sees every finding counted, but only their own clients' allegations listed
    mine = officer_history(officer=stone["stone"], user=lawyer)
    assert mine.findings == h.findings
    assert [a.body_case_number for a in mine.allegations] == ["CPOC-9"]


def test_merge_candidates_are_fitting_partial_badges_and_unidentified_officers_at_the_same_events(stone, observer):
    fits = Officer.objects.create(badge_status="partial", badge_number="447")
    Officer.objects.create(badge_status="partial", badge_number="999")  # does not fit 4471
    covered_there = Officer.objects.create(badge_status="covered", description="tall, helmet B-17")
    IncidentOfficer.objects.create(
        incident=IncidentFactory(event=stone["rally"], reporter=observer), officer=covered_there
    )
    Officer.objects.create(badge_status="covered")  # seen nowhere near them
    Officer.objects.create(badge_status="partial", badge_number="447", agency="SEPTA Police")  # another agency
    assert set(merge_candidates(officer=stone["stone"])) == {fits, covered_there}


def test_the_officer_page_is_for_lawyers_and_coordinators_and_audited(stone, client_for, lawyer, organizer, observer):
    url = f"/claims/officers/{stone['stone'].public_id}/"
    page = client_for(lawyer).get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "Ofc. Stone" in body and "mirrored visor" in body and "Sgt. Hale" in body
    assert "CPOC-9" in body and "IA-3" not in body
    assert "Merge into this officer" not in body  # merging is the coordinators'
    assert AuditEntry.objects.filter(action="officer.history", actor=lawyer).exists()
    assert client_for(organizer).get(url).status_code == 403
    assert client_for(observer).get(url).status_code == 403
    found = client_for(lawyer).get("/claims/officers/?q=4471").content.decode()
    assert "Ofc. Stone" in found and "Sgt. Hale" not in found


def test_a_coordinator_merges_a_covered_badge_from_the_page_keeping_what_was_seen(
    stone, client_for, coordinator, observer
):
    covered = Officer.objects.create(badge_status="covered", description="badge taped over")
    incident = stone["stone"].sightings.first().incident
    IncidentOfficer.objects.create(incident=incident, officer=covered, features_as_seen="badge taped over, visor")
    client = client_for(coordinator)
    url = f"/claims/officers/{stone['stone'].public_id}/"
    assert "badge taped over" in client.get(url).content.decode()
    response = client.post(url + "merge/", {"source": str(covered.public_id)})
    assert response.status_code == 302
    covered.refresh_from_db()
    assert covered.merged_into == stone["stone"]
    kept = IncidentOfficer.objects.get(incident=incident, recorded_as=covered)
    assert (kept.officer, kept.features_as_seen) == (stone["stone"], "badge taped over, visor")
    # a record not offered (a known officer) is refused
    assert client.post(url + "merge/", {"source": str(stone["hale"].public_id)}).status_code == 400
    assert client.post(url + "merge/", {"source": "not-a-uuid"}).status_code == 400


def test_the_officer_page_answers_in_spanish(stone, client_for, coordinator):
    page = client_for(coordinator).get(f"/claims/officers/{stone['stone'].public_id}/", HTTP_ACCEPT_LANGUAGE="es")
    assert "Historial del agente" in page.content.decode()


def test_the_officer_page_runs_a_fixed_number_of_queries(
    stone, client_for, coordinator, observer, django_assert_max_num_queries
):
    client = client_for(coordinator)
    url = f"/claims/officers/{stone['stone'].public_id}/"
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for _ in range(10):
        incident = IncidentFactory(event=stone["march"], reporter=observer)
        IncidentOfficer.objects.create(incident=incident, officer=stone["stone"])
        IncidentOfficer.objects.create(incident=incident, officer=OfficerFactory())
        Allegation.objects.create(complaint=ComplaintFactory(), officer=stone["stone"])
        Officer.objects.create(badge_status="partial", badge_number="44")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_officer_page_shows_one_page_of_incidents_in_the_same_queries_at_two_sizes(
    stone, client_for, coordinator, observer, monkeypatch, django_assert_num_queries, django_assert_max_num_queries
):
    monkeypatch.setattr("web.views.claims.OFFICER_SIGHTINGS_PAGE", 5)
    client = client_for(coordinator)
    url = f"/claims/officers/{stone['stone'].public_id}/"

    def seen_in(count: int) -> None:
        for _ in range(count):
            incident = IncidentFactory(event=stone["rally"], reporter=observer, place="Broad St")
            incident.force_types.set([ForceType.objects.get(code="baton")])
            IncidentOfficer.objects.create(incident=incident, officer=stone["stone"], features_as_seen="on a bike")
            IncidentOfficer.objects.create(incident=incident, officer=stone["hale"])

    seen_in(4)  # 6 incidents: two pages
    client.get(url)
    with django_assert_max_num_queries(40) as small:
        first = client.get(url)
    queries = len(small.captured_queries)  # read now: the next request clears the log
    rows = first.content.decode().count("<td>Rally</td>") + first.content.decode().count("<td>March</td>")
    assert rows == 5 and "Page 1 of 2" in first.content.decode()
    second = client.get(url + "?page=2").content.decode()
    assert second.count("<td>Rally</td>") + second.count("<td>March</td>") == 1 and "Page 2 of 2" in second
    seen_in(40)  # 46 incidents: ten pages, the same queries
    with django_assert_num_queries(queries):
        busy = client.get(url).content.decode()
    assert busy.count("<td>Rally</td>") + busy.count("<td>March</td>") == 5 and "Page 1 of 10" in busy
    # the summaries count every incident, not the page shown
    h = officer_history(officer=stone["stone"], user=coordinator)
    assert dict(h.force_types)["Baton"] == 46 and h.co_accused == [(stone["hale"], 45)]
    assert h.sightings.count() == 46
