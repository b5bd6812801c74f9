"""A confirmed mass disposition never holds the request: with the task queue production uses
(django-tasks-db), the confirmation returns at once with nothing decided, the run's page and its
status endpoint show the progress as the worker (`manage.py db_worker`, one task) decides case
by case, and the finished page lists what was decided, what was left alone and why, and the
refunds owed with their forms. The report holds ids and reasons only."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import TestCase

from cases.models import Payer
from citations import services
from citations.models import BulkRun, Citation, CitationKind, Disposition, Response, RunStatus
from citations.runs import bulk_run_progress
from tests.citations.conftest import local
from tests.factories import CaseFactory, UserFactory
from tests.worker import one_worker_step

pytestmark = pytest.mark.django_db

FILTERS = {"kind": CitationKind.PHL_CVN, "issued_from": "2026-06-01", "issued_to": "2026-06-01",
           "disposition": Disposition.WAIVED, "decided_on": "2026-06-09"}  # fmt: skip


@pytest.fixture
def queue(settings):  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def notices(make_citation, phl_event, coordinator):  # type: ignore[no-untyped-def]
    """Four notices of the event, each in its own case, issued on 1 June: one paid by the bail
    fund, one already dismissed (left alone)."""
    inside = [
        make_citation(kind=CitationKind.PHL_CVN, issued_at=local(2026, 6, 1, 20, i), case=CaseFactory(event=phl_event))
        for i in range(4)
    ]
    services.citation_record_response(
        citation=inside[0], response=Response.PAID, at=local(2026, 6, 2, 9), by=coordinator
    )
    services.payment_record(
        citation=inside[0], amount="50.00", payer=Payer.BAIL_FUND, paid_on=datetime.date(2026, 6, 5), by=coordinator
    )
    services.citation_record_disposition(
        citation=inside[3], disposition=Disposition.DISMISSED, decided_on=datetime.date(2026, 6, 5), by=coordinator
    )
    return inside


def test_confirm_returns_before_anything_is_decided_and_progress_moves(  # type: ignore[no-untyped-def]
    queue, notices, phl_event, coordinator, client_for, monkeypatch, django_assert_max_num_queries
):
    from django_tasks_db.models import DBTaskResult

    client = client_for(coordinator)
    data = {**FILTERS, "event": str(phl_event.public_id), "confirm": "yes"}
    with TestCase.captureOnCommitCallbacks(execute=True):
        queued = client.post("/coordination/bulk/disposition/", data)
    assert queued.status_code == 302
    run = BulkRun.objects.get()
    assert queued["Location"] == f"/coordination/bulk/disposition/{run.public_id}/"
    assert (run.status, run.done, run.total) == (RunStatus.QUEUED, 0, 4)
    assert not Citation.objects.filter(disposition=Disposition.WAIVED).exists()  # nothing decided in the request
    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [run.pk], "kwargs": {}}  # the run's id only

    page = client.get(queued["Location"]).content.decode()
    assert "0 / 4" in page and "js/batch.js" in page and 'data-finished="false"' in page
    assert 'http-equiv="refresh"' in page and "<noscript>" in page

    # Watch the status from inside the worker's run, after each case is decided.
    status_url = f"/coordination/bulk/disposition/{run.public_id}/status/"
    seen: list[tuple[str, int]] = []
    totals = services.payer_totals  # looked up once at the start of each case's transaction

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        status = bulk_run_progress(BulkRun.objects.get(pk=run.pk))  # what the endpoint answers
        seen.append((status["status"], status["done"]))
        return totals(*args, **kwargs)

    monkeypatch.setattr(services, "payer_totals", watched)
    one_worker_step()
    assert seen == [("running", 0), ("running", 1), ("running", 2), ("running", 3)]
    status = client.get(status_url).json()
    assert (status["status"], status["done"], status["decided"], status["skipped"]) == ("done", 4, 3, 1)
    assert status["refund_total"] == "50.00" and status["finished_at"]

    run.refresh_from_db()
    assert run.report == {
        "decided": [c.pk for c in notices[:3]],
        "skipped": [[notices[3].pk, run.report["skipped"][0][1]]],
        "refunds": [[notices[0].pk, Payer.BAIL_FUND, "50.00"]],
    }
    stored = json.dumps(run.report)
    assert all(c.case.demonstrator.legal_name not in stored for c in notices)  # ids and reasons only
    assert Citation.objects.filter(disposition=Disposition.WAIVED).count() == 3

    with django_assert_max_num_queries(9):  # session, user, run, citations of the report, ...: not per row
        finished = client.get(queued["Location"])
    with django_assert_max_num_queries(8):  # the sign-in checks, the run: nothing more
        assert client.get(status_url).status_code == 200
    html = finished.content.decode()
    assert "4 / 4" in html and "js/batch.js" not in html and 'data-finished="true"' in html
    assert "3 citations decided as “Waived”; 1 left alone; refunds owed: $50.00." in html
    for citation in notices:
        assert citation.number in html
    assert 'class="refund-record"' in html and 'value="50.00"' in html and "Bail fund" in html


def test_a_run_is_out_of_reach_of_those_who_may_not_run_one(queue, notices, phl_event, coordinator, client_for):  # type: ignore[no-untyped-def]
    with TestCase.captureOnCommitCallbacks(execute=True):
        queued = client_for(coordinator).post(
            "/coordination/bulk/disposition/", {**FILTERS, "event": str(phl_event.public_id), "confirm": "yes"}
        )
    lawyer = client_for(UserFactory(role="lawyer"))
    assert lawyer.get(queued["Location"]).status_code == 403
    assert lawyer.get(queued["Location"] + "status/").status_code == 403
    assert (
        client_for(coordinator).get("/coordination/bulk/disposition/00000000-0000-0000-0000-000000000000/").status_code
        == 404
    )


def test_a_run_delivered_twice_decides_once(queue, notices, phl_event, coordinator, client_for):  # type: ignore[no-untyped-def]
    from citations.runs import bulk_run_execute

    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for(coordinator).post(
            "/coordination/bulk/disposition/", {**FILTERS, "event": str(phl_event.public_id), "confirm": "yes"}
        )
    run = BulkRun.objects.get()
    one_worker_step()
    decided_at = Citation.objects.get(pk=notices[0].pk).status_changed_at
    bulk_run_execute(run_id=run.pk)
    assert Citation.objects.get(pk=notices[0].pk).status_changed_at == decided_at
    run.refresh_from_db()
    assert (run.status, run.decided) == (RunStatus.DONE, 3)
