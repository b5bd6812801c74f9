"""Allegations of a complaint and their findings: the services, the scope, the pages, the API
fields, and the dashboard's findings per allegation with small counts suppressed."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.models import AuditEntry, ForceType, Officer
from cases.services import officer_merge
from citations.dashboard import dashboard_summary
from claims.access import allegation_list_visible_to
from claims.models import Allegation, Finding
from claims.services import allegation_create, allegation_update
from tests.factories import CaseFactory, ComplaintFactory, EventFactory, IncidentFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def test_a_complaint_holds_allegations_each_with_its_own_finding(coordinator):
    complaint = ComplaintFactory()
    incident = IncidentFactory(event=complaint.case.event)
    baton = ForceType.objects.get(code="baton")
    first = allegation_create(
        complaint=complaint, by=coordinator, officer=OfficerFactory(), force_type=baton, incident=incident,
        oversight_body="cpoc", body_case_number="CPOC-26-0042", filed_on=datetime.date(2026, 7, 10),
    )  # fmt: skip
    second = allegation_create(
        complaint=complaint, by=coordinator, officer=OfficerFactory(), oversight_body="internal_affairs"
    )
    allegation_update(
        allegation=first,
        by=coordinator,
        finding="sustained",
        discipline="suspension",
        decided_on=datetime.date(2026, 11, 2),
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.finding, first.discipline, first.body_case_number) == ("sustained", "suspension", "CPOC-26-0042")
    assert second.finding == Finding.PENDING
    actions = list(
        AuditEntry.objects.filter(target_id__in=[str(first.public_id), str(second.public_id)]).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["allegation.create", "allegation.create", "allegation.update"]


def test_a_decision_before_the_filing_and_discipline_without_a_sustained_finding_are_refused(coordinator):
    complaint = ComplaintFactory()
    with pytest.raises(ValidationError):
        allegation_create(
            complaint=complaint,
            by=coordinator,
            filed_on=datetime.date(2026, 7, 10),
            decided_on=datetime.date(2026, 7, 1),
        )
    with pytest.raises(ValidationError):
        allegation_create(complaint=complaint, by=coordinator, finding="unfounded", discipline="reprimand")
    with pytest.raises(TypeError):
        allegation_create(complaint=complaint, by=coordinator, complaint_id=1)  # type: ignore[call-arg]  # refused on purpose
    assert not Allegation.objects.exists()


def test_the_incident_must_be_of_the_complaint_s_event_and_the_officer_not_merged_away(coordinator):
    complaint = ComplaintFactory()
    with pytest.raises(ValidationError, match="event"):
        allegation_create(complaint=complaint, by=coordinator, incident=IncidentFactory(event=EventFactory()))
    known, unknown = OfficerFactory(), Officer.objects.create(badge_status="covered")
    officer_merge(source=unknown, target=known, by=coordinator)
    unknown.refresh_from_db()
    with pytest.raises(ValidationError, match="merged"):
        allegation_create(complaint=complaint, by=coordinator, officer=unknown)


def test_merging_an_officer_carries_the_allegations(coordinator):
    known, unknown = OfficerFactory(), Officer.objects.create(badge_status="partial", badge_number="42")
    allegation = allegation_create(complaint=ComplaintFactory(), by=coordinator, officer=unknown)
    officer_merge(source=unknown, target=known, by=coordinator)
    allegation.refresh_from_db()
    assert allegation.officer == known


def test_a_lawyer_reaches_the_allegations_of_their_clients_complaints_only(
    lawyer, other_lawyer, organizer, observer, coordinator
):
    mine = ComplaintFactory(case=CaseFactory(lawyers=[lawyer]))
    theirs = ComplaintFactory(case=CaseFactory(lawyers=[other_lawyer]))
    a = allegation_create(complaint=mine, by=lawyer)
    b = allegation_create(complaint=theirs, by=other_lawyer)
    assert list(allegation_list_visible_to(user=lawyer)) == [a]
    assert list(allegation_list_visible_to(user=other_lawyer)) == [b]
    assert set(allegation_list_visible_to(user=coordinator)) == {a, b}
    assert not allegation_list_visible_to(user=organizer).exists()
    assert not allegation_list_visible_to(user=observer).exists()


def test_the_allegations_page_lists_adds_and_edits_findings(client_for, lawyer, other_lawyer):
    complaint = ComplaintFactory(case=CaseFactory(lawyers=[lawyer]))
    officer = OfficerFactory(name="Ofc. Stone", badge_number="7777")
    client = client_for(lawyer)
    url = f"/claims/complaints/{complaint.public_id}/allegations/"
    page = client.get(url)
    assert page.status_code == 200 and "No allegation yet." in page.content.decode()
    response = client.post(
        url + "new/",
        {"officer": officer.pk, "finding": "pending", "oversight_body": "cpoc", "body_case_number": "CPOC-1"},
    )
    assert response.status_code == 302
    allegation = Allegation.objects.get()
    assert (allegation.officer, allegation.body_case_number) == (officer, "CPOC-1")
    page = client.get(url).content.decode()
    assert "Ofc. Stone" in page and "CPOC-1" in page
    response = client.post(
        f"/claims/allegations/{allegation.public_id}/",
        {"officer": officer.pk, "finding": "sustained", "discipline": "termination", "oversight_body": "cpoc",
         "decided_on": "2026-10-01"},
    )  # fmt: skip
    assert response.status_code == 302
    allegation.refresh_from_db()
    assert (allegation.finding, allegation.discipline) == ("sustained", "termination")
    bad = client.post(
        f"/claims/allegations/{allegation.public_id}/",
        {"finding": "unfounded", "discipline": "termination", "oversight_body": "cpoc"},
    )
    assert bad.status_code == 400
    assert client_for(other_lawyer).get(url).status_code == 404
    assert AuditEntry.objects.filter(action="allegation.list", actor=lawyer).exists()


def test_the_incident_menu_offers_the_case_s_incidents_not_every_incident_of_the_event(client_for, coordinator):
    """At a mass arrest an event has tens of thousands of incidents: the menu offers those that
    concern the complaint's case (and the one an allegation names now), for coordinators too."""
    complaint = ComplaintFactory(case=CaseFactory())
    event = complaint.case.event
    affecting = IncidentFactory(event=event, place="Affecting the client")
    affecting.people_affected.add(complaint.case)
    complained = IncidentFactory(event=event, place="Named in the complaint")
    complaint.incidents.add(complained)
    named = IncidentFactory(event=event, place="Named by the allegation")
    others = [IncidentFactory(event=event) for _ in range(3)]
    allegation = Allegation.objects.create(complaint=complaint, incident=named)
    client = client_for(coordinator)

    def offered(url):
        form = client.get(url).context["form"]
        return set(form.fields["incident"].queryset)

    assert offered(f"/claims/complaints/{complaint.public_id}/allegations/") == {affecting, complained}
    assert offered(f"/claims/allegations/{allegation.public_id}/") == {affecting, complained, named}
    assert not {*others} & offered(f"/claims/allegations/{allegation.public_id}/")


def test_the_allegations_page_answers_in_spanish(client_for, lawyer):
    complaint = ComplaintFactory(case=CaseFactory(lawyers=[lawyer]))
    page = (
        client_for(lawyer)
        .get(f"/claims/complaints/{complaint.public_id}/allegations/", HTTP_ACCEPT_LANGUAGE="es")
        .content.decode()
    )
    assert "Alegaciones y resultados" in page


def test_the_allegations_page_runs_a_fixed_number_of_queries(client_for, lawyer, django_assert_max_num_queries):
    complaint = ComplaintFactory(case=CaseFactory(lawyers=[lawyer]))
    client = client_for(lawyer)
    url = f"/claims/complaints/{complaint.public_id}/allegations/"
    Allegation.objects.create(complaint=complaint, officer=OfficerFactory(), force_type=ForceType.objects.first())
    client.get(url)
    with django_assert_max_num_queries(40) as one:
        client.get(url)
    for _ in range(15):
        Allegation.objects.create(complaint=complaint, officer=OfficerFactory(), force_type=ForceType.objects.first())
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)


def _allegations(event, findings):
    complaint = ComplaintFactory(case=CaseFactory(event=event))
    for finding in findings:
        Allegation.objects.create(complaint=complaint, finding=finding)


def test_the_dashboard_counts_findings_per_allegation_with_small_counts_suppressed(settings):
    settings.SMALL_COUNT_THRESHOLD = 5
    march, rally = EventFactory(), EventFactory()
    for event in (march, rally):
        for _ in range(5):
            CaseFactory(event=event)
    _allegations(march, ["sustained"] * 6 + ["pending"] * 7 + ["unfounded"] * 2)
    _allegations(rally, ["pending"] * 8)
    findings = dashboard_summary(event=march)["findings"]
    assert findings["allegations"]["value"] == 15
    by = findings["by_finding"]
    assert by["unfounded"] == {"value": None, "display": "fewer than 5", "suppressed": True}
    # 6 sustained and 7 pending would give the 2 unfounded away (15 - 6 - 7): one is withheld
    assert [by["sustained"]["suppressed"], by["pending"]["suppressed"]].count(True) >= 1
    overall = dashboard_summary()["findings"]
    assert overall["allegations"]["value"] == 23
    assert overall["by_finding"]["unfounded"]["suppressed"]
    assert overall["labels"]["not_sustained"] == "Not sustained"


def test_a_small_event_shows_no_findings_and_is_left_out_overall(settings):
    settings.SMALL_COUNT_THRESHOLD = 5
    tiny = EventFactory()
    _allegations(tiny, ["sustained"] * 9)
    assert dashboard_summary(event=tiny)["findings"] is None
    assert dashboard_summary()["findings"]["allegations"]["value"] == 0


def test_the_dashboard_page_shows_the_findings(client_for, organizer, settings):
    settings.SMALL_COUNT_THRESHOLD = 2
    event = EventFactory()
    for _ in range(3):
        CaseFactory(event=event)
    _allegations(event, ["sustained"] * 3 + ["exonerated"] * 3)
    page = client_for(organizer).get("/citations/dashboard/").content.decode()
    assert 'id="allegations-total">6<' in page and "Exonerated" in page
