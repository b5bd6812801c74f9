"""Bad input gets a 4xx problem+json, never a 500: oversized bodies, wrong types, unknown fields,
invalid UUIDs, dates out of range, huge strings, broken JSON, disguised uploads."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Event, Evidence, Incident
from tests.api.conftest import client_with_token


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and "type" in body
    return body


def fields_of(body: dict[str, Any]) -> set[str]:
    return {error["field"] for error in body.get("errors", [])}


@pytest.fixture
def coordinator_api(coordinator):  # type: ignore[no-untyped-def]
    from tests.auth import totp_device_for

    totp_device_for(coordinator)
    return client_with_token(coordinator)


@pytest.fixture
def observer_api(observer):  # type: ignore[no-untyped-def]
    return client_with_token(observer)


def good_report(world: Any) -> dict[str, Any]:
    return {"event": str(world.event.public_id), "occurred_at": "2026-07-01T21:15:00Z"}


def test_unknown_fields_are_refused_by_name(world, observer_api):
    body = problem(
        observer_api.post("/api/v1/incidents/", {**good_report(world), "immigration_status": "x"}, format="json"), 400
    )
    assert fields_of(body) == {"immigration_status"}
    assert body["errors"][0]["message"] == "Unknown field."
    assert (
        not Incident.objects.filter(reporter__username="olive_observer", place="")
        .exclude(pk=world.incident_o.pk)
        .exists()
    )


def test_server_controlled_fields_are_ignored_not_assigned(world, observer_api, other_observer):
    sent = {
        **good_report(world),
        "reporter": other_observer.username,
        "id": "00000000-0000-0000-0000-000000000001",
        "created_at": "2001-01-01T00:00:00Z",
        "occurred_on": "2001-01-01",
    }
    response = observer_api.post("/api/v1/incidents/", sent, format="json")
    assert response.status_code == 201
    incident = Incident.objects.get(public_id=response.json()["id"])
    assert incident.reporter.username == "olive_observer"
    assert str(incident.public_id) != sent["id"] and incident.created_at.year != 2001


def test_mass_assignment_of_owner_fields_is_ignored(world, clients, coordinator_api):
    lawyer_api = clients["lawyer"]
    statement = lawyer_api.post(
        "/api/v1/witness-statements/",
        {"case": str(world.case_a.public_id), "statement": "Saw it.", "taken_by": "cora_coordinator"},
        format="json",
    )
    assert statement.status_code == 201 and statement.json()["taken_by"] == "laura_lawyer"
    case = lawyer_api.patch(
        f"/api/v1/cases/{world.case_a.public_id}/",
        {"lawyers": ["laura_lawyer", "leo_lawyer"], "status": "closed", "number": "X-1"},
        format="json",
    )
    assert case.status_code == 200
    world.case_a.refresh_from_db()
    assert list(world.case_a.lawyers.values_list("username", flat=True)) == ["laura_lawyer"]
    assert world.case_a.status == "active" and world.case_a.number != "X-1"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "9999-12-31T23:59:59-12:00"}, "occurred_at"),
        ({"occurred_at": "0001-01-01T00:00:00+14:00"}, "occurred_at"),
        ({"occurred_at": "1850-01-01T00:00:00Z"}, "occurred_at"),
        ({"occurred_at": 12345}, "occurred_at"),
        ({"event": "not-a-uuid"}, "event"),
        ({"event": "00000000-0000-0000-0000-000000000000"}, "event"),
        ({"event": ["a", "list"]}, "event"),
        ({"latitude": "91"}, "latitude"),
        ({"latitude": "NaN"}, "latitude"),
        ({"longitude": "1e400"}, "longitude"),
        ({"people_affected_count": 10**30}, "people_affected_count"),
        ({"people_affected_count": -1}, "people_affected_count"),
        ({"place": "x" * 301}, "place"),
        ({"narrative": "x" * 20_001}, "narrative"),
        ({"dispersal_warning": "maybe"}, "dispersal_warning"),
        ({"force_types": ["not_a_force"]}, "force_types.0"),
        ({"force_types": "baton"}, "force_types"),
        ({"officers": [{"badge_number": "1" * 21}]}, "officers.0.badge_number"),
        ({"officers": [{"badge_number": "1", "rank": "x"}]}, "officers.0.rank"),
        ({"officers": [{}] * 51}, "officers"),
        ({"client_uuid": "123"}, "client_uuid"),
        ({"narrative": {"nested": "object"}}, "narrative"),
    ],
)
def test_bad_values_are_400_with_the_field_named(world, observer_api, change, field):
    body = problem(observer_api.post("/api/v1/incidents/", {**good_report(world), **change}, format="json"), 400)
    assert field in fields_of(body), body
    assert Incident.objects.count() == 2  # the world's two


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"[1, 2, 3]",
        b'"a string"',
        b"null",
        b"[" * 50_000 + b"]" * 50_000,
        b"\xff\xfe\x00bad",
        b'{"a": 1e999999}',
    ],
    ids=["broken", "list", "string", "null", "deeply nested", "not utf-8", "huge exponent"],
)
def test_bodies_that_are_not_an_object_are_400(world, observer_api, raw):
    response = observer_api.generic("POST", "/api/v1/incidents/", raw, content_type="application/json")
    problem(response, 400)


def test_oversized_body_is_413(world, observer_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = {**good_report(world), "narrative": "x" * 20_000}
    problem(observer_api.post("/api/v1/incidents/", body, format="json"), 413)


def test_wrong_media_type_is_415(world, observer_api):
    problem(observer_api.post("/api/v1/incidents/", "a=b", content_type="application/x-www-form-urlencoded"), 415)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/cases/not-a-uuid/", "/api/v1/cases/00000000-0000-0000-0000-000000000000/", "/api/v1/cases/%00/",
     "/api/v1/cases/" + "9" * 5000 + "/", "/api/v1/nothing-here/"],
)  # fmt: skip
def test_invalid_or_unknown_ids_are_404(world, clients, path):
    problem(clients["lawyer"].get(path), 404)


def test_a_post_to_an_unknown_path_is_a_problem_404_not_a_csrf_page(world, clients):
    from django.test import Client

    for client in (clients["coordinator"], Client(enforce_csrf_checks=True)):
        problem(client.post("/api/v1/cases/not-a-uuid/packet/", {}, format="json"), 404)
        problem(client.post("/api/v1/no-such-thing/", {}, content_type="application/json"), 404)


@pytest.mark.parametrize(
    "query",
    ["status=bogus", "opened_after=not-a-date", "opened_after=99999-01-01", "opened_after=1000-01-01",
     "ordering=demonstrator__legal_name", "ordering=-lawyer_notes", "event=not-a-uuid", "q=" + "x" * 101],
)  # fmt: skip
def test_bad_filters_are_400(world, clients, query):
    problem(clients["lawyer"].get(f"/api/v1/cases/?{query}"), 400)


@pytest.mark.parametrize(
    "query",
    ["occurred_after=9999-12-31T23:59:59", "occurred_before=0001-01-01T00:00:00", "occurred_after=2026-13-45T00:00"],
)
def test_datetimes_out_of_range_in_filters_are_400(world, clients, query):
    problem(clients["observer"].get(f"/api/v1/incidents/?{query}"), 400)


@pytest.mark.parametrize("query", ["limit=-5", "limit=abc", "offset=99999999999999999999999", "limit=100000"])
def test_odd_pagination_never_breaks(world, clients, query):
    response = clients["coordinator"].get(f"/api/v1/events/?{query}")
    assert response.status_code == 200
    assert len(response.json()["results"]) <= 200


def test_page_size_is_capped(world, clients, settings):
    from tests.factories import EventFactory

    settings.API_MAX_PAGE_SIZE = 3
    EventFactory.create_batch(5)
    assert len(clients["observer"].get("/api/v1/events/?limit=1000").json()["results"]) == 3


def test_if_match_mismatch_is_412(world, clients):
    path = f"/api/v1/cases/{world.case_a.public_id}/"
    etag = clients["lawyer"].get(path)["ETag"]
    assert clients["lawyer"].patch(path, {"lawyer_notes": "one"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    stale = clients["lawyer"].patch(path, {"lawyer_notes": "two"}, format="json", HTTP_IF_MATCH=etag)
    problem(stale, 412)
    world.case_a.refresh_from_db()
    assert world.case_a.lawyer_notes == "one"


def test_duplicate_event_name_is_a_field_error(world, coordinator_api):
    body = problem(
        coordinator_api.post(
            "/api/v1/events/", {"name": world.event.name, "starts_at": "2026-07-01T12:00:00Z"}, format="json"
        ),
        400,
    )
    assert "name" in fields_of(body)
    assert Event.objects.filter(name=world.event.name).count() == 1


def test_event_ending_before_it_starts_is_400(world, coordinator_api):
    body = {"name": "Backwards", "starts_at": "2026-07-02T12:00:00Z", "ends_at": "2026-07-01T12:00:00Z"}
    problem(coordinator_api.post("/api/v1/events/", body, format="json"), 400)


def test_second_case_for_the_same_person_and_event_is_400(world, coordinator_api):
    body = {"event": str(world.event.public_id), "demonstrator": str(world.case_a.demonstrator.public_id)}
    problem(coordinator_api.post("/api/v1/cases/", body, format="json"), 400)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", b"<html><script>alert(1)</script></html>"),
        ("photo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("empty.png", b""),
    ],
    ids=["html named png", "svg", "executable named pdf", "empty"],
)
def test_disguised_or_empty_uploads_are_refused(world, observer_api, name, content):
    response = observer_api.post(
        "/api/v1/evidence/",
        {
            "file": SimpleUploadedFile(name, content, content_type="image/png"),
            "incident": str(world.incident_o.public_id),
        },
        format="multipart",
    )
    body = problem(response, 400)
    assert "file" in fields_of(body)
    assert Evidence.objects.count() == 2  # the world's two


def test_upload_over_the_size_limit_is_refused(world, observer_api, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    from tests.api.conftest import png_bytes

    big = png_bytes((400, 400))
    assert len(big) > 1000
    response = observer_api.post(
        "/api/v1/evidence/",
        {"file": SimpleUploadedFile("big.png", big), "incident": str(world.incident_o.public_id)},
        format="multipart",
    )
    assert response.status_code in (400, 413)
    problem(response, response.status_code)
    assert Evidence.objects.count() == 2


def test_upload_type_comes_from_content_not_name(world, observer_api):
    from tests.api.conftest import png_bytes

    response = observer_api.post(
        "/api/v1/evidence/",
        {
            "file": SimpleUploadedFile("notes.txt", png_bytes(), content_type="text/plain"),
            "incident": str(world.incident_o.public_id),
        },
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json()["content_type"] == "image/png" and response.json()["kind"] == "photo"
