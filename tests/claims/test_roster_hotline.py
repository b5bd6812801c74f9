"""Hotline entries on the plaintiff roster: an entry about someone hurt by police force, once a
coordinator links it to the person's arrest, puts that person on the event's roster with what the
caller said of the injury; entries not linked yet are counted, never listed (they name nobody a
lawyer may see). The marker and the injury text come in through the hotline form and the API."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

from cases.models import AuditEntry
from claims.selectors import plaintiff_roster, unidentified_hurt_count
from custody.models import HotlineEntry
from custody.services.assignments import jail_support_assign
from custody.services.hotline import hotline_entry_link
from tests.api.conftest import client_with_token
from tests.custody.fakes import make_hotline_entry
from tests.factories import ArrestFactory, CaseFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def night(lawyer, other_lawyer, coordinator, jail_support):
    event = EventFactory(name="Kettle at 8th and Arch")
    jail_support_assign(user=jail_support, event=event, by=coordinator)
    hit = CaseFactory(
        event=event, lawyers=[lawyer], demonstrator__legal_name="Eve Ellis", demonstrator__preferred_name=""
    )
    other = CaseFactory(
        event=event, lawyers=[other_lawyer], demonstrator__legal_name="Fay Ford", demonstrator__preferred_name=""
    )
    calm = CaseFactory(event=event, lawyers=[lawyer], demonstrator__legal_name="Gus Gray")
    entries = {
        "hit": make_hotline_entry(
            event=event,
            by=jail_support,
            about="Eve, green hoodie",
            hurt_by_force=True,
            injuries="She was hit with a baton on the arm",
            medical_needs="Arm may be broken",
        ),  # fmt: skip
        "other": make_hotline_entry(event=event, by=jail_support, hurt_by_force=True, injuries="Pepper spray"),
        "calm": make_hotline_entry(event=event, by=jail_support, medical_needs="Insulin at 2 a.m."),
        "unlinked": make_hotline_entry(event=event, by=jail_support, about="Tall man, red cap", hurt_by_force=True),
    }
    for name, case in (("hit", hit), ("other", other), ("calm", calm)):
        hotline_entry_link(entry=entries[name], arrest=ArrestFactory(case=case), by=coordinator)
    return {"event": event, "hit": hit, "other": other, "calm": calm}


def test_a_linked_entry_about_someone_hurt_puts_them_on_the_roster(night, coordinator):
    rows = {r.number: r for r in plaintiff_roster(event=night["event"], user=coordinator)}
    assert set(rows) == {night["hit"].number, night["other"].number}  # not the one with only medical needs
    hit = rows[night["hit"].number]
    assert hit.hurt_on_hotline and hit.injuries == ["She was hit with a baton on the arm"]
    assert hit.name == "Eve Ellis" and hit.claim_due is not None  # the clock from the event's start
    assert unidentified_hurt_count(event=night["event"]) == 1


def test_lawyers_see_their_own_clients_and_only_a_count_of_the_unlinked(night, lawyer, client_for):
    assert [r.number for r in plaintiff_roster(event=night["event"], user=lawyer)] == [night["hit"].number]
    page = client_for(lawyer).get(f"/claims/events/{night['event'].public_id}/roster/").content.decode()
    assert "She was hit with a baton on the arm" in page and "hurt by police force (hotline)" in page
    assert 'id="roster-unidentified"' in page and "1 hotline entry about someone hurt" in page
    assert "Tall man" not in page and "Pepper spray" not in page and "Fay Ford" not in page
    assert "/hotline/" not in page  # linking is for coordinators


def test_the_coordinator_s_export_carries_the_hotline_column(night, client_for, coordinator):
    page = client_for(coordinator).get(f"/claims/events/{night['event'].public_id}/roster/").content.decode()
    assert f"/custody/events/{night['event'].public_id}/hotline/" in page
    response = client_for(coordinator).get(f"/claims/events/{night['event'].public_id}/roster.csv?sort=name")
    lines = b"".join(response).decode().strip().splitlines()
    assert "hurt (hotline)" in lines[0].split(",")
    assert len(lines) == 3 and "She was hit with a baton on the arm" in lines[1]


def test_the_hotline_form_takes_the_marker_and_seals_the_injury(night, client_for, jail_support):
    url = f"/custody/events/{night['event'].public_id}/hotline/new/"
    body = {
        "client_uuid": str(uuid.uuid4()), "kind": "call", "received_at": "2026-07-01T23:10",
        "about": "Short hair, yellow raincoat", "hurt_by_force": "on", "injuries": "Xylovanth baton to the head",
    }  # fmt: skip
    response = client_for(jail_support).post(url, body, HTTP_ACCEPT="application/json")
    assert response.status_code == 201
    entry = HotlineEntry.objects.get(client_uuid=body["client_uuid"])
    assert entry.hurt_by_force and entry.injuries == "Xylovanth baton to the head"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM custody_hotlineentry WHERE id = %s", [entry.pk])
        assert "xylovanth" not in repr(cursor.fetchone()).casefold()
    form = client_for(jail_support).get(url).content.decode()
    assert 'name="hurt_by_force"' in form and 'name="injuries"' in form
    log = client_for(jail_support).get(f"/custody/events/{night['event'].public_id}/hotline/").content.decode()
    assert "Hurt by police force" in log and "Xylovanth baton to the head" in log
    assert "injuries" in AuditEntry.objects.filter(action="hotline.list").latest("id").fields


def test_the_api_takes_and_answers_the_marker(night, jail_support):
    api = client_with_token(jail_support)
    body = {
        "client_uuid": str(uuid.uuid4()), "event": str(night["event"].public_id), "about": "Blue helmet",
        "hurt_by_force": True, "injuries": "Thrown to the ground",
    }  # fmt: skip
    created = api.post("/api/v1/hotline/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["hurt_by_force"] is True and created.json()["injuries"] == "Thrown to the ground"
    assert api.post("/api/v1/hotline/", body, format="json").status_code == 200  # a retry
    assert api.post("/api/v1/hotline/", {**body, "hurt_by_force": False}, format="json").status_code == 409
    listed = api.get(f"/api/v1/hotline/?event={night['event'].public_id}").json()["results"]
    plain = next(e for e in listed if e["about"] != "Blue helmet")
    assert plain["injuries"] == "" and isinstance(plain["hurt_by_force"], bool)
