"""Subject access: a person's own data, for them, as JSON and as a readable PDF; coordinators only;
audited; other people's personal data left out."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from pypdf import PdfReader

from cases.models import ArrestSeen, AuditEntry, ForceType
from documents.subject_access import subject_access_data
from tests.factories import (
    ArrestFactory,
    CaseFactory,
    CitationFactory,
    ComplaintFactory,
    DemonstratorFactory,
    IncidentFactory,
    WitnessStatementFactory,
)


@pytest.fixture
def person(lawyer):
    person = DemonstratorFactory(legal_name="Rosa Requester", phone="215-555-0188",
                                 date_of_birth=datetime.date(1990, 5, 6), special_needs="Asthma")  # fmt: skip
    case = CaseFactory(demonstrator=person, lawyers=[lawyer], lawyer_notes="Privileged strategy note")
    ArrestFactory(case=case, charges="Failure to disperse")
    CitationFactory(case=case, number="CVN-RR-1")
    complaint = ComplaintFactory(case=case, narrative="Pushed to the ground")
    WitnessStatementFactory(case=None, complaint=complaint, witness_name="Third Party Witness",
                            witness_contact="267-555-0100")  # fmt: skip
    DemonstratorFactory(legal_name="Someone Else Entirely")
    return person


@pytest.mark.django_db
def test_json_export_holds_the_persons_data_and_nobody_elses(person, coordinator, client_for):
    response = client_for(coordinator).get(f"/documents/people/{person.public_id}/subject-access.json")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["person"]["legal_name"] == "Rosa Requester" and data["person"]["date_of_birth"] == "1990-05-06"
    assert data["person"]["phone"] == "215-555-0188" and data["person"]["special_needs"] == "Asthma"
    case = data["cases"][0]
    assert case["citations"][0]["number"] == "CVN-RR-1" and case["arrests"][0]["charges"] == "Failure to disperse"
    assert case["complaints"][0]["narrative"] == "Pushed to the ground"
    assert case["complaints"][0]["witness_statements"] == 1
    text = response.content.decode()
    for other in ["Third Party Witness", "267-555-0100", "Someone Else", "Privileged strategy note"]:
        assert other not in text
    entry = AuditEntry.objects.get(action="subject_access.export")
    assert entry.target_id == str(person.public_id) and entry.details["format"] == "json"


@pytest.mark.django_db
def test_pdf_export_is_readable(person, coordinator, client_for):
    response = client_for(coordinator).get(f"/documents/people/{person.public_id}/subject-access.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ["Rosa Requester", "1990-05-06", "CVN-RR-1", "Failure to disperse", "Pushed to the ground"]:
        assert expected in text
    assert "Third Party Witness" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["lawyer", "organizer", "observer"])
def test_only_coordinators_export_a_person(request, person, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).get(
        f"/documents/people/{person.public_id}/subject-access.json"
    )
    assert response.status_code in (403, 404) and b"Rosa" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("link", ["person affected", "arrest seen", "complaint"])
def test_export_holds_every_incident_concerning_the_persons_case(person, coordinator, observer, link):
    """An incident another observer reported concerns the person's case however it is linked
    (the export used to list only those naming the person among the people affected)."""
    case = person.cases.get()
    incident = IncidentFactory(reporter=observer, place="Broad & Spring Garden")
    force = ForceType.objects.order_by("id").first()
    incident.force_types.add(force)
    if link == "person affected":
        incident.people_affected.add(case)
    elif link == "arrest seen":
        ArrestSeen.objects.create(incident=incident, case=case, person_description="Blue jacket")
    else:
        case.complaints.get().incidents.add(incident)
    IncidentFactory(reporter=observer, place="Elsewhere entirely")  # concerns nobody's case

    data = subject_access_data(person=person, by=coordinator)

    incidents = data["cases"][0]["incidents_you_were_part_of"]
    assert [i["place"] for i in incidents] == ["Broad & Spring Garden"]
    assert incidents[0]["force"] == [force.label]
