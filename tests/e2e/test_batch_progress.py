"""A coordinator starts an event's packet batch in Chromium with the task queue `./dev run` uses:
the start returns at once to the progress page, which moves as the worker records each case
(without reloading) and offers the download when the batch is done."""

from __future__ import annotations

import pytest
from django.db.models import Count
from playwright.sync_api import expect

from cases.models import Event
from documents.models import PacketBatch
from tests.documents.batch_fakes import FakeRenderer
from tests.e2e.conftest import DESKTOP
from tests.worker import one_worker_step

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_batch_page_shows_progress_as_it_happens(demo, session_for, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PACKET_BATCH_CHUNK = 1
    renderer = FakeRenderer()  # the packets themselves are tested elsewhere: here, the progress
    monkeypatch.setattr("documents.batches.packet_for_case", renderer)
    event = (
        Event.objects.annotate(n=Count("cases")).filter(n__gte=2, n__lte=6).order_by("n").first()
        or Event.objects.annotate(n=Count("cases")).filter(n__gte=2).order_by("n").first()
    )
    assert event is not None
    total = event.n  # type: ignore[attr-defined]

    desk = session_for(demo["coordinator"], DESKTOP)
    desk.goto("/coordination/")
    desk.page.locator("#batch-event").select_option(str(event.public_id))
    desk.page.get_by_role("button", name="Generate all packets").click()
    status = desk.page.locator("#batch-progress")
    expect(status.locator("[data-count]")).to_have_text(f"0 / {total}")
    assert sum(renderer.calls.values()) == 0  # the request returned before any packet was made

    for done in range(1, total + 1):
        one_worker_step(in_transaction=False)
        if done < total:  # the same page, updated in place by its status requests
            expect(status.locator("[data-count]")).to_have_text(f"{done} / {total}", timeout=10_000)
    batch = PacketBatch.objects.get()
    assert batch.done == total
    expect(desk.page.get_by_role("link", name="Download")).to_be_visible(timeout=10_000)
    desk.screenshot("coordinator-batch-progress-done")
    assert not desk.axe_violations()
    desk.assert_clean()
