"""The plaintiff roster of an event: who is on it, what each row says, scope, sorting, the
exports, the audit trail and a fixed number of queries."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile

from cases.models import Arrest, AuditEntry, CaseStatus, IncidentOfficer, Officer
from cases.services import evidence_add
from citations.deadlines import civil_claim_deadline
from claims.selectors import plaintiff_roster, roster_names
from custody.services.hotline import hotline_entry_link
from tests.custody.fakes import make_hotline_entry
from tests.factories import (
    ArrestFactory,
    CaseFactory,
    CitationFactory,
    ComplaintFactory,
    EventFactory,
    IncidentFactory,
    OfficerFactory,
    WitnessStatementFactory,
)

pytestmark = pytest.mark.django_db
WHEN = datetime.datetime(2026, 7, 1, 18, 30, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 8, 1)


@pytest.fixture
def scene(lawyer, other_lawyer, observer):
    event = EventFactory(name="Encampment", starts_at=WHEN - datetime.timedelta(hours=3))
    hurt = CaseFactory(
        event=event, lawyers=[lawyer], demonstrator__legal_name="Ana Alvarez", demonstrator__preferred_name=""
    )
    complained = CaseFactory(
        event=event, lawyers=[lawyer], demonstrator__legal_name="Bo Brown", demonstrator__preferred_name=""
    )
    injured = CaseFactory(
        event=event, lawyers=[other_lawyer], demonstrator__legal_name="Cy Cole", demonstrator__preferred_name=""
    )
    CaseFactory(event=event, lawyers=[lawyer], demonstrator__legal_name="Di Dunn")  # cited, not hurt: not on it
    elsewhere = CaseFactory(lawyers=[lawyer])
    incident = IncidentFactory(event=event, reporter=observer, occurred_at=WHEN)
    incident.people_affected.add(hurt)
    officer = OfficerFactory(name="Ofc. Stone", badge_number="7777", unit="")
    IncidentOfficer.objects.create(incident=incident, officer=officer, badge_as_seen="7777")
    IncidentOfficer.objects.create(
        incident=incident, officer=Officer.objects.create(badge_status="partial", badge_number="44")
    )
    evidence_add(
        upload=ContentFile(b"clip\n", name="a.txt"),
        kind="document",
        content_type="text/plain",
        by=observer,
        incident=incident,
    )
    evidence_add(
        upload=ContentFile(b"xray\n", name="b.txt"), kind="document", content_type="text/plain", by=lawyer, case=hurt
    )
    WitnessStatementFactory(case=None, incident=incident)
    CitationFactory(case=hurt)  # an open citation: charges pending
    complaint = ComplaintFactory(case=complained, injuries="Broken wrist", treatment="Jefferson ER", status="filed")
    complaint.officers.add(OfficerFactory(name="Sgt. Hale", badge_number="1200", unit="SWAT"))
    complained.status = CaseStatus.CLOSED
    complained.closed_on = complained.opened_on
    complained.save()
    Arrest.objects.create(case=injured, arrested_at=WHEN, injured=True)
    ComplaintFactory(case=elsewhere)
    return {"event": event, "hurt": hurt, "complained": complained, "injured": injured}


def test_everyone_affected_by_force_is_on_the_roster_with_what_the_suit_needs(scene, coordinator):
    rows = {r.number: r for r in plaintiff_roster(event=scene["event"], user=coordinator, today=TODAY)}
    assert set(rows) == {scene["hurt"].number, scene["complained"].number, scene["injured"].number}
    hurt = rows[scene["hurt"].number]
    assert hurt.name == "Ana Alvarez"
    assert hurt.officers == ["Ofc. Stone #7777", "Unidentified officer #44?"]
    assert (hurt.evidence, hurt.witnesses) == (2, 1)
    assert (hurt.complaint_filed, hurt.charges_pending) == (False, True)
    claim = civil_claim_deadline(WHEN, tz=ZoneInfo("America/New_York"), jurisdiction=scene["event"].jurisdiction)
    assert claim is not None and claim.due_on.year == 2028
    assert (hurt.claim_due, hurt.days_left) == (claim.due_on, (claim.due_on - TODAY).days)
    complained = rows[scene["complained"].number]
    assert (complained.injuries, complained.treatment) == (["Broken wrist"], ["Jefferson ER"])
    assert complained.officers == ["Sgt. Hale #1200 (SWAT)"]
    assert (complained.complaint_filed, complained.charges_pending) == (True, False)
    assert rows[scene["injured"].number].injured_at_arrest


def test_a_lawyer_sees_only_their_clients_on_it(scene, lawyer, other_lawyer, organizer):
    assert {r.number for r in plaintiff_roster(event=scene["event"], user=lawyer)} == {
        scene["hurt"].number,
        scene["complained"].number,
    }
    assert [r.number for r in plaintiff_roster(event=scene["event"], user=other_lawyer)] == [scene["injured"].number]
    assert plaintiff_roster(event=scene["event"], user=organizer) == []


def test_it_sorts_by_the_column_asked(scene, coordinator):
    by_name = [r.name for r in plaintiff_roster(event=scene["event"], user=coordinator, sort="name")]
    assert by_name == ["Ana Alvarez", "Bo Brown", "Cy Cole"]
    assert [r.name for r in plaintiff_roster(event=scene["event"], user=coordinator, sort="-name")] == by_name[::-1]
    most_evidence = plaintiff_roster(event=scene["event"], user=coordinator, sort="-evidence")
    assert most_evidence[0].name == "Ana Alvarez"
    # an unknown key falls back to the civil-claim clock, not an error
    assert len(plaintiff_roster(event=scene["event"], user=coordinator, sort="drop table")) == 3


def test_the_roster_page_is_scoped_sorted_and_audited(scene, client_for, lawyer, organizer):
    page = client_for(lawyer).get(f"/claims/events/{scene['event'].public_id}/roster/?sort=name")
    body = page.content.decode()
    assert page.status_code == 200
    assert body.index("Ana Alvarez") < body.index("Bo Brown") and "Cy Cole" not in body
    assert "Export CSV" not in body  # lawyers read it; coordinators export it
    entry = AuditEntry.objects.get(action="roster.read", actor=lawyer)
    assert entry.details["count"] == 2 and "legal_name" in entry.fields
    assert "Ana" not in str(entry.details)
    assert client_for(organizer).get(f"/claims/events/{scene['event'].public_id}/roster/").status_code == 403
    assert client_for(lawyer).get(f"/claims/events/{scene['event'].public_id}/roster.csv").status_code == 403


def test_the_coordinator_exports_it_as_csv_and_pdf(scene, client_for, coordinator):
    scene["hurt"].demonstrator.preferred_name = "=HYPERLINK(1)"
    scene["hurt"].demonstrator.save()
    client = client_for(coordinator)
    response = client.get(f"/claims/events/{scene['event'].public_id}/roster.csv?sort=number")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    text = b"".join(response).decode() if response.streaming else response.content.decode()
    lines = text.strip().splitlines()
    assert lines[0].startswith("case number,name,injuries")
    assert len(lines) == 4
    assert "'=HYPERLINK(1)" in text and "Broken wrist" in text
    pdf = client.get(f"/claims/events/{scene['event'].public_id}/roster.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="roster.export", actor=coordinator).count() == 2


def test_the_roster_page_answers_in_spanish(scene, client_for, coordinator):
    page = (
        client_for(coordinator)
        .get(f"/claims/events/{scene['event'].public_id}/roster/", HTTP_ACCEPT_LANGUAGE="es")
        .content.decode()
    )
    assert "Lista de demandantes" in page


def test_the_roster_runs_a_fixed_number_of_queries(coordinator, observer, django_assert_max_num_queries):
    event = EventFactory()

    def add_people(n):
        for _ in range(n):
            case = CaseFactory(event=event)
            incident = IncidentFactory(event=event, reporter=observer, occurred_at=WHEN)
            incident.people_affected.add(case)
            IncidentOfficer.objects.create(incident=incident, officer=OfficerFactory())
            ComplaintFactory(case=case).officers.add(OfficerFactory())
            WitnessStatementFactory(case=case)
            CitationFactory(case=case)
            make_hotline_entry(
                event=event, by=coordinator, hurt_by_force=True, injuries="Baton to the ribs"
            )  # unlinked
            linked = make_hotline_entry(event=event, by=coordinator, hurt_by_force=True, injuries="Hit with a baton")
            hotline_entry_link(entry=linked, arrest=ArrestFactory(case=CaseFactory(event=event)), by=coordinator)

    add_people(1)
    with django_assert_max_num_queries(30) as one:
        assert len(plaintiff_roster(event=event, user=coordinator)) == 2  # one hurt by force, one on the hotline
    add_people(20)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(plaintiff_roster(event=event, user=coordinator)) == 42


def test_a_page_of_the_roster_unseals_only_the_legal_names_it_shows(scene, coordinator, client_for):
    rows = plaintiff_roster(event=scene["event"], user=coordinator, sort="number", names=False)
    assert [(r.name, r.legal_name_sealed) for r in rows] == [("", True)] * 3
    roster_names(rows[:2])
    names = {scene[k].number: scene[k].demonstrator.legal_name for k in ("hurt", "complained", "injured")}
    assert [(r.name, r.legal_name_sealed) for r in rows] == [
        (names[rows[0].number], False),
        (names[rows[1].number], False),
        ("", True),  # not on the page: never decrypted
    ]
    # a sort by name needs every name: they are unsealed whatever is asked
    by_name = plaintiff_roster(event=scene["event"], user=coordinator, sort="-name", names=False)
    assert [r.name for r in by_name] == ["Cy Cole", "Bo Brown", "Ana Alvarez"]
    # the page (default order) shows every legal name of the rows it holds
    body = client_for(coordinator).get(f"/claims/events/{scene['event'].public_id}/roster/").content.decode()
    assert all(name in body for name in ("Ana Alvarez", "Bo Brown", "Cy Cole"))


def test_the_roster_page_runs_the_same_queries_for_a_page_of_a_small_and_a_big_event(
    coordinator, observer, client_for, monkeypatch, django_assert_num_queries, django_assert_max_num_queries
):
    monkeypatch.setattr("web.views.claims.ROSTER_PAGE", 3)
    event = EventFactory()
    url = f"/claims/events/{event.public_id}/roster/"
    client = client_for(coordinator)

    def add_people(n):
        for _ in range(n):
            case = CaseFactory(event=event, demonstrator__preferred_name="")
            incident = IncidentFactory(event=event, reporter=observer, occurred_at=WHEN)
            incident.people_affected.add(case)
            IncidentOfficer.objects.create(incident=incident, officer=OfficerFactory())
            ComplaintFactory(case=case).officers.add(OfficerFactory())
            WitnessStatementFactory(case=case)
        IncidentFactory(event=event, reporter=observer)  # concerning no one

    add_people(4)
    client.get(url)
    with django_assert_max_num_queries(40) as small:
        page = client.get(url + "?sort=-officers")
    queries = len(small.captured_queries)  # read now: the next request clears the log
    assert page.content.decode().count("<tr data-case=") == 3
    add_people(20)
    with django_assert_num_queries(queries):
        page = client.get(url + "?sort=-officers&page=2")
    body = page.content.decode()
    assert body.count("<tr data-case=") == 3 and "Page 2 of 8" in body
