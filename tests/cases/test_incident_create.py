import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from cases.models import AuditEntry, Evidence, ForceType, Incident, IncidentOfficer, Officer
from cases.services import (
    ArrestWitnessed,
    Attachment,
    IncidentConflict,
    IncidentInput,
    OfficerSeen,
    incident_create,
)
from tests.factories import EventFactory, OfficerFactory, png_bytes


def _data(event, **overrides):
    values = {
        "event": event,
        "occurred_at": timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=5),
        "place": "8th & Arch",
        "narrative": "Bike line pushed seated people.",
    }
    values.update(overrides)
    return IncidentInput(**values)


@pytest.mark.django_db
def test_a_report_is_stored_with_officers_force_arrests_and_photos(observer):
    event = EventFactory()
    known = OfficerFactory(agency="Philadelphia Police Department", badge_number="4137")
    data = _data(
        event,
        force_types=list(ForceType.objects.filter(code__in=["baton", "bicycle"])),
        officers=[
            OfficerSeen(badge_number="4137", agency="Philadelphia Police Department"),
            OfficerSeen(unit="Bike Unit", features="Tall, badge taped over", badge_status="covered"),
        ],
        arrests_seen=[ArrestWitnessed(description="Person in a yellow raincoat", conduct="passive")],
        people_affected_count=4,
    )
    photo = Attachment(upload=ContentFile(png_bytes(), name="p.png"), kind="photo", content_type="image/png")
    incident, created = incident_create(reporter=observer, client_uuid=uuid.uuid4(), data=data, attachments=[photo])

    assert created
    incident.refresh_from_db()
    assert incident.narrative == "Bike line pushed seated people." and incident.people_affected_count == 4
    assert set(incident.force_types.values_list("code", flat=True)) == {"baton", "bicycle"}
    sightings = IncidentOfficer.objects.filter(incident=incident).select_related("officer")
    assert {s.officer_id for s in sightings} >= {known.pk}
    unknown = next(s.officer for s in sightings if s.officer_id != known.pk)
    assert unknown.badge_status == "covered" and unknown.description == "Tall, badge taped over"
    assert incident.arrests_seen.get().conduct == "passive"
    assert Evidence.objects.get(incident=incident).uploaded_by == observer
    entry = AuditEntry.objects.get(action="incident.create")
    assert entry.target_id == str(incident.public_id) and "narrative" in entry.fields


@pytest.mark.django_db
def test_a_retry_with_the_same_client_uuid_returns_the_same_report(observer):
    event = EventFactory()
    client_uuid = uuid.uuid4()
    data = _data(event, officers=[OfficerSeen(badge_number="9001")])
    photo = Attachment(upload=ContentFile(png_bytes(), name="p.png"), kind="photo", content_type="image/png")
    first, created = incident_create(reporter=observer, client_uuid=client_uuid, data=data, attachments=[photo])
    again, created_again = incident_create(
        reporter=observer, client_uuid=str(client_uuid), data=data, attachments=[photo]
    )
    assert created and not created_again
    assert again.pk == first.pk
    assert Incident.objects.count() == 1
    assert Evidence.objects.count() == 1 and Officer.objects.filter(badge_number="9001").count() == 1


@pytest.mark.django_db
def test_the_same_client_uuid_with_other_content_is_a_conflict(observer):
    event = EventFactory()
    client_uuid = uuid.uuid4()
    incident_create(reporter=observer, client_uuid=client_uuid, data=_data(event))
    with pytest.raises(IncidentConflict):
        incident_create(reporter=observer, client_uuid=client_uuid, data=_data(event, place="Elsewhere"))
    assert Incident.objects.count() == 1


@pytest.mark.django_db
def test_another_observer_cannot_claim_a_used_client_uuid(observer, other_observer):
    event = EventFactory()
    client_uuid = uuid.uuid4()
    data = _data(event)
    incident_create(reporter=observer, client_uuid=client_uuid, data=data)
    with pytest.raises(IncidentConflict):
        incident_create(reporter=other_observer, client_uuid=client_uuid, data=data)
    assert Incident.objects.get().reporter == observer


@pytest.mark.django_db
def test_an_invalid_report_writes_nothing(observer):
    event = EventFactory()
    with pytest.raises(ValidationError):
        incident_create(reporter=observer, client_uuid=uuid.uuid4(), data=_data(event, latitude=200))
    assert Incident.objects.count() == 0 and AuditEntry.objects.filter(action="incident.create").count() == 0
