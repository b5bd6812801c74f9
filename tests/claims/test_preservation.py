"""Preservation letters: retention periods as data, the send-by day from the deadline engine,
the letter as a PDF, recording when and how it was sent, and scope."""

import datetime
import io

import pytest
from pypdf import PdfReader

from cases.models import AuditEntry, IncidentOfficer
from citations.deadlines import is_business_day
from claims.models import PreservationLetter, RecordKind
from claims.selectors import preservation_plans
from tests.factories import CaseFactory, EventFactory, IncidentFactory, OfficerFactory

pytestmark = pytest.mark.django_db
WHEN = datetime.datetime(2026, 7, 3, 22, 30, tzinfo=datetime.UTC)  # Friday 6:30 pm in Philadelphia


@pytest.fixture
def incident(lawyer, observer):
    case = CaseFactory(event=EventFactory(name="Encampment"), lawyers=[lawyer], demonstrator__legal_name="Ana Alvarez")
    incident = IncidentFactory(event=case.event, reporter=observer, occurred_at=WHEN, place="Broad & Arch")
    incident.people_affected.add(case)
    IncidentOfficer.objects.create(incident=incident, officer=OfficerFactory(name="Ofc. Stone", badge_number="4471"))
    return incident


def test_the_periods_are_seeded_unverified_with_a_source():
    kinds = {k.code: k for k in RecordKind.objects.all()}
    assert {"bwc-video", "radio", "cad", "surveillance-video"} <= set(kinds)
    assert all(not k.verified and "Unverified" in k.source for k in kinds.values())


def test_the_send_by_day_comes_before_the_earliest_deletion_on_a_business_day(incident):
    police = next(
        p for p in preservation_plans(incident=incident, today=datetime.date(2026, 7, 6)) if p.recipient == "police"
    )
    shortest = min(k.retention_days for k in police.kinds)
    assert police.deletion == datetime.date(2026, 7, 3) + datetime.timedelta(days=shortest)
    assert police.send_by < police.deletion and is_business_day(police.send_by, incident.event.jurisdiction)
    assert police.days_left == (police.send_by - datetime.date(2026, 7, 6)).days
    RecordKind.objects.filter(code="bwc-video").update(retention_days=10)
    sooner = next(p for p in preservation_plans(incident=incident) if p.recipient == "police")
    assert sooner.deletion == datetime.date(2026, 7, 13)


def test_a_lawyer_downloads_the_letter_and_records_it_sent(incident, client_for, lawyer):
    client = client_for(lawyer)
    base = f"/claims/incidents/{incident.public_id}/preservation/"
    page = client.get(base).content.decode()
    assert "(unverified)" in page and "Send by" in page
    pdf = client.get(base + "police.pdf")
    assert pdf.status_code == 200 and pdf["Content-Disposition"].startswith("attachment")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Body-worn camera video" in text and "Ofc. Stone" in text and "Broad & Arch" in text
    assert "Ana" not in text  # the letter names no client
    response = client.post(
        base + "sent/",
        {"recipient": "police", "sent_at": "2026-07-06T10:00", "sent_how": "mail", "reference": "7019 0001"},
    )
    assert response.status_code == 302
    letter = PreservationLetter.objects.get()
    assert (letter.recipient, letter.sent_how, letter.reference, letter.recorded_by) == (
        "police",
        "mail",
        "7019 0001",
        lawyer,
    )
    assert set(letter.record_kinds.values_list("holder", flat=True)) == {"police"}
    assert "7019 0001" in client.get(base).content.decode()
    assert AuditEntry.objects.filter(action="preservation.sent", actor=lawyer).exists()
    assert client.post(base + "sent/", {"recipient": "nobody"}).status_code == 400


def test_out_of_scope_incidents_are_404_and_organizers_403(incident, client_for, other_lawyer, organizer):
    base = f"/claims/incidents/{incident.public_id}/preservation/"
    assert client_for(other_lawyer).get(base).status_code == 404
    assert client_for(other_lawyer).get(base + "police.pdf").status_code == 404
    assert client_for(organizer).get(base).status_code == 403


def test_the_preservation_page_answers_in_spanish(incident, client_for, lawyer):
    page = client_for(lawyer).get(f"/claims/incidents/{incident.public_id}/preservation/", HTTP_ACCEPT_LANGUAGE="es")
    assert "Cartas de conservación" in page.content.decode()
