"""The coordinators' events page: an event is created and corrected through the services
(audited), without the Django admin; other roles are refused."""

from __future__ import annotations

import pytest

from cases.models import AuditEntry, Event

pytestmark = pytest.mark.django_db

NEW = {"name": "Night march on Broad Street", "starts_at": "2026-06-01T20:00", "place": "Broad & Vine",
       "jurisdiction": "PA-PHL", "time_zone": "America/New_York", "description": ""}  # fmt: skip


def test_a_coordinator_creates_and_corrects_an_event(client_for, coordinator):
    client = client_for(coordinator)
    created = client.post("/coordination/events/", NEW)
    assert created.status_code == 302
    event = Event.objects.get(name=NEW["name"])
    assert event.place == "Broad & Vine" and event.time_zone == "America/New_York"
    assert AuditEntry.objects.filter(action="event.create", actor=coordinator).exists()
    listed = client.get("/coordination/events/").content.decode()
    assert NEW["name"] in listed and f"/coordination/events/{event.public_id}/" in listed

    corrected = client.post(f"/coordination/events/{event.public_id}/", {**NEW, "place": "City Hall"})
    assert corrected.status_code == 302
    event.refresh_from_db()
    assert event.place == "City Hall"
    assert AuditEntry.objects.filter(action="event.update", actor=coordinator, target_id=str(event.public_id)).exists()


def test_an_unknown_time_zone_or_a_duplicate_name_comes_back_on_the_form(client_for, coordinator):
    client = client_for(coordinator)
    assert client.post("/coordination/events/", NEW).status_code == 302
    again = client.post("/coordination/events/", NEW)
    assert again.status_code == 400 and Event.objects.filter(name=NEW["name"]).count() == 1
    bad = client.post("/coordination/events/", {**NEW, "name": "Elsewhere", "time_zone": "Mars/Olympus"})
    assert bad.status_code == 400 and "Unknown time zone." in bad.content.decode()


@pytest.mark.parametrize("persona", ["lawyer", "organizer", "observer"])
def test_other_roles_cannot_create_events(request, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).post("/coordination/events/", NEW)
    assert response.status_code == 403 and not Event.objects.filter(name=NEW["name"]).exists()
