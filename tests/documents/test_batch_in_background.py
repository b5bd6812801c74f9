"""A packet batch never holds the request: with the task queue `./dev run` and production use
(django-tasks-db), starting a batch returns at once with nothing rendered, and the progress page
and its status endpoint move as the worker (`manage.py db_worker`, run here one task at a time)
records each chunk."""

from __future__ import annotations

import pytest
from django.test import TestCase

from documents.models import BatchStatus, PacketBatch
from tests.documents.batch_fakes import FakeRenderer
from tests.factories import CaseFactory, EventFactory
from tests.worker import one_worker_step

pytestmark = pytest.mark.django_db

NUMBERS = ["BG-001", "BG-002", "BG-003"]


@pytest.fixture
def queue(settings, monkeypatch):  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PACKET_BATCH_CHUNK = 1
    fake = FakeRenderer()
    monkeypatch.setattr("documents.batches.packet_for_case", fake)
    return fake


@pytest.fixture
def event(lawyer):  # type: ignore[no-untyped-def]
    event = EventFactory(name="Night march")
    for number in NUMBERS:
        CaseFactory(event=event, lawyers=[lawyer], number=number)
    return event


def test_starting_a_batch_returns_before_any_packet_is_made_and_progress_moves(queue, event, lawyer, client_for):  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    client = client_for(lawyer)
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = client.post("/documents/batches/", {"kind": "event", "event": str(event.public_id)})
    assert started.status_code == 302
    batch = PacketBatch.objects.get()
    assert (batch.status, batch.done, batch.total) == (BatchStatus.QUEUED, 0, 3)
    assert sum(queue.calls.values()) == 0  # nothing rendered inside the request
    assert DBTaskResult.objects.count() == 3  # one chunk task per case, waiting for the worker

    page = client.get(started["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "0 / 3" in html and "js/batch.js" in html and 'data-finished="false"' in html
    assert 'http-equiv="refresh"' in html and "<noscript>" in html  # without JavaScript: a refresh

    status_url = f"/documents/batches/{batch.public_id}/status/"
    seen = []
    for _ in NUMBERS:
        one_worker_step()
        status = client.get(status_url).json()
        seen.append((status["status"], status["done"]))
    assert seen == [("running", 1), ("running", 2), ("done", 3)]
    assert status["download_url"] == f"/documents/batches/{batch.public_id}/download/"
    assert sorted(queue.calls) == NUMBERS

    finished = client.get(started["Location"]).content.decode()
    assert "3 / 3" in finished and "js/batch.js" not in finished and 'data-finished="true"' in finished
    assert f"/documents/batches/{batch.public_id}/download/" in finished
