"""The night over the API: the hotline's quick entry is stored once per client UUID, the log and
the board answer only for the caller's events, the board's ETag gives 304, moves are scoped."""

from __future__ import annotations

import uuid

import pytest

from cases.models import CustodyStatus
from custody.models import HotlineEntry
from custody.services.assignments import jail_support_assign
from tests.api.conftest import client_with_token
from tests.factories import ArrestFactory, EventFactory


@pytest.fixture
def events(jail_support, coordinator):  # type: ignore[no-untyped-def]
    kettle, other = EventFactory(name="Kettle at 8th and Arch"), EventFactory(name="Another night")
    jail_support_assign(user=jail_support, event=kettle, by=coordinator)
    return kettle, other


def test_a_retried_entry_is_stored_once_and_a_reused_id_is_a_conflict(jail_support, events):
    api = client_with_token(jail_support)
    body = {"client_uuid": str(uuid.uuid4()), "event": str(events[0].public_id), "about": "Green hat, about 30"}
    first = api.post("/api/v1/hotline/", body, format="json")
    again = api.post("/api/v1/hotline/", body, format="json")
    clash = api.post("/api/v1/hotline/", {**body, "about": "Someone else"}, format="json")
    assert (first.status_code, again.status_code, clash.status_code) == (201, 200, 409)
    assert first.json()["id"] == again.json()["id"] and HotlineEntry.objects.count() == 1
    other = api.post(
        "/api/v1/hotline/", {**body, "client_uuid": str(uuid.uuid4()), "event": str(events[1].public_id)}, format="json"
    )
    assert other.status_code == 400  # not one of its events


def test_the_log_and_the_board_answer_only_for_assigned_events(jail_support, events):
    api = client_with_token(jail_support)
    assert api.get(f"/api/v1/hotline/?event={events[0].public_id}").status_code == 200
    assert api.get(f"/api/v1/hotline/?event={events[1].public_id}").status_code == 404
    assert api.get(f"/api/v1/custody/events/{events[1].public_id}/board/").status_code == 404


def test_the_board_gives_304_until_something_moves(jail_support, events):
    api = client_with_token(jail_support)
    arrest = ArrestFactory(case__event=events[0])
    url = f"/api/v1/custody/events/{events[0].public_id}/board/"
    first = api.get(url)
    assert first.status_code == 200 and first.json()["in_custody"] == 1
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    moved = api.post(f"/api/v1/custody/arrests/{arrest.public_id}/stage/", {"stage": "released"}, format="json")
    assert moved.status_code == 200 and moved.json()["stage"] == CustodyStatus.RELEASED
    after = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after.json()["in_custody"] == 0
    elsewhere = ArrestFactory(case__event=events[1])
    assert (
        api.post(
            f"/api/v1/custody/arrests/{elsewhere.public_id}/stage/", {"stage": "released"}, format="json"
        ).status_code
        == 404
    )
