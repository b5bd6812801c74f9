"""Nothing lost, nothing doubled: Idempotency-Key on creates, client_uuid on incidents, and two
concurrent retries (PostgreSQL: real threads on separate connections)."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest
from django.db import connection, connections, transaction

from api.models import IdempotencyRecord
from cases.models import Event, Incident, Officer
from tests.api.conftest import client_with_token
from tests.factories import EventFactory

only_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so two connections can never race (runs in CI's PostgreSQL pass)",
)


def report(event: Event, **extra: Any) -> dict[str, Any]:
    return {
        "event": str(event.public_id),
        "occurred_at": "2026-07-01T21:15:00Z",
        "place": "Arch St",
        "narrative": "Bike line pushed into seated people.",
        "officers": [{"badge_number": "4242", "agency": "Philadelphia Police Department"}],
        **extra,
    }


@pytest.fixture
def event(db):  # type: ignore[no-untyped-def]
    return EventFactory()


def test_same_key_same_body_replays_the_first_answer(observer, event):
    client = client_with_token(observer)
    first = client.post("/api/v1/incidents/", report(event), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/incidents/", report(event), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Incident.objects.count() == 1
    assert Officer.objects.filter(badge_number="4242").count() == 1


def test_same_key_different_body_is_422(observer, event):
    client = client_with_token(observer)
    assert (
        client.post("/api/v1/incidents/", report(event), format="json", HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201
    )
    changed = client.post(
        "/api/v1/incidents/", report(event, place="Elsewhere"), format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert changed.status_code == 422
    assert changed["Content-Type"] == "application/problem+json"
    assert Incident.objects.count() == 1


def test_keys_belong_to_one_user(observer, other_observer, event):
    mine = client_with_token(observer).post(
        "/api/v1/incidents/", report(event), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    theirs = client_with_token(other_observer).post(
        "/api/v1/incidents/", report(event), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_failed_request_does_not_use_up_the_key(observer, event):
    client = client_with_token(observer)
    bad = client.post(
        "/api/v1/incidents/", report(event, occurred_at="not a date"), format="json", HTTP_IDEMPOTENCY_KEY="k-3"
    )
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    good = client.post("/api/v1/incidents/", report(event), format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert good.status_code == 201


def test_a_key_of_the_wrong_shape_is_refused(observer, event):
    client = client_with_token(observer)
    response = client.post("/api/v1/incidents/", report(event), format="json", HTTP_IDEMPOTENCY_KEY="has space")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not Incident.objects.exists()


def test_replayed_body_is_stored_encrypted(observer, event):
    client = client_with_token(observer)
    client.post("/api/v1/incidents/", report(event), format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    with connection.cursor() as cursor:
        cursor.execute("SELECT response_body FROM api_idempotencyrecord")
        (stored,) = cursor.fetchone()
    assert "Bike line" not in stored


def test_multipart_uploads_are_idempotent_too(observer, event):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.models import Evidence
    from tests.api.conftest import png_bytes

    client = client_with_token(observer)
    incident = client.post("/api/v1/incidents/", report(event), format="json").json()["id"]

    def upload(content: bytes) -> Any:
        return client.post(
            "/api/v1/evidence/",
            {"file": SimpleUploadedFile("a.png", content), "incident": incident},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="upload-1",
        )

    first, again = upload(png_bytes()), upload(png_bytes())
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert upload(png_bytes((9, 9))).status_code == 422  # another file under the same key
    assert Evidence.objects.count() == 1


def test_client_uuid_retry_returns_the_stored_report(observer, event):
    client = client_with_token(observer)
    body = report(event, client_uuid=str(uuid.uuid4()))
    first = client.post("/api/v1/incidents/", body, format="json")
    again = client.post("/api/v1/incidents/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Incident.objects.count() == 1


def test_client_uuid_with_other_content_is_409(observer, other_observer, event):
    body = report(event, client_uuid=str(uuid.uuid4()))
    assert client_with_token(observer).post("/api/v1/incidents/", body, format="json").status_code == 201
    changed = client_with_token(observer).post("/api/v1/incidents/", {**body, "place": "Elsewhere"}, format="json")
    assert changed.status_code == 409
    stolen = client_with_token(other_observer).post("/api/v1/incidents/", body, format="json")
    assert stolen.status_code == 409
    assert Incident.objects.count() == 1


def _race(requests: list[Any]) -> list[Any]:
    """Run callables at the same moment on separate threads (separate database connections)."""
    barrier = threading.Barrier(len(requests))
    results: list[Any] = [None] * len(requests)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = requests[index]()
        except Exception as exc:  # noqa: BLE001 - reported by the assertions below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def slow_incident_create(monkeypatch):  # type: ignore[no-untyped-def]
    """Hold the first write open a moment so the second request really overlaps it."""
    from api.views import incidents as view_module

    original = view_module.incident_create

    def slow(**kwargs: Any) -> Any:
        result = original(**kwargs)
        time.sleep(0.3)
        return result

    monkeypatch.setattr(view_module, "incident_create", slow)


@only_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_retries_with_one_key_make_one_incident(observer, event, slow_incident_create):
    client_a, client_b = client_with_token(observer), client_with_token(observer)
    body = report(event)

    def send(client: Any) -> Any:
        return lambda: client.post("/api/v1/incidents/", body, format="json", HTTP_IDEMPOTENCY_KEY="race-1")

    first, second = _race([send(client_a), send(client_b)])
    assert not isinstance(first, Exception) and not isinstance(second, Exception), (first, second)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Incident.objects.count() == 1
    assert Officer.objects.filter(badge_number="4242").count() == 1


@only_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_retries_with_one_client_uuid_make_one_incident(observer, event, slow_incident_create):
    client_a, client_b = client_with_token(observer), client_with_token(observer)
    body = report(event, client_uuid=str(uuid.uuid4()))
    first, second = _race(
        [lambda: client_a.post("/api/v1/incidents/", body, format="json"),
         lambda: client_b.post("/api/v1/incidents/", body, format="json")]
    )  # fmt: skip
    assert not isinstance(first, Exception) and not isinstance(second, Exception), (first, second)
    assert sorted([first.status_code, second.status_code]) == [200, 201]
    assert first.json()["id"] == second.json()["id"]
    assert Incident.objects.count() == 1


@only_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_key_held_by_a_request_in_flight_answers_409(observer, event, settings):
    settings.IDEMPOTENCY_LOCK_TIMEOUT_MS = 300
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(user=observer, key="busy", fingerprint="0" * 64)
                holding.set()
                release.wait(timeout=10)
                transaction.set_rollback(True)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        started = time.monotonic()
        response = client_with_token(observer).post(
            "/api/v1/incidents/", report(event), format="json", HTTP_IDEMPOTENCY_KEY="busy"
        )
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join(timeout=10)
    assert response.status_code == 409
    assert "in progress" in response.json()["detail"]
    assert waited < 5
    assert Incident.objects.count() == 0
