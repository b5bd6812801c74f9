"""A mass-disposition run whose worker dies does not stay "running" for good: the run keeps a
heartbeat, its progress (page and API) says it is stalled once the heartbeat is old and its task
is not waiting in the queue, and the recovery queues it again; the real worker then carries on
where the lost one stopped, never deciding a case twice. After the recovery attempts are spent the
run stops ("gave_up") with what it did not reach listed. A worker only slow, not lost, stops at its
next case once the run was taken up by another attempt."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone

from cases.models import AuditEntry
from citations import services
from citations.models import BulkRun, BulkRunStep, Citation, CitationKind, Disposition, RunStatus
from citations.runs import bulk_run_is_stalled, recover_stale_runs
from tests.api.conftest import client_with_token
from tests.citations.conftest import local
from tests.factories import CaseFactory
from tests.worker import one_worker_step

pytestmark = pytest.mark.django_db

FILTERS = {"kind": CitationKind.PHL_CVN, "issued_from": "2026-06-01", "issued_to": "2026-06-01",
           "disposition": Disposition.WAIVED, "decided_on": "2026-06-09"}  # fmt: skip


class Killed(BaseException):
    """A worker killed mid-run, as seen from inside: nothing of the run after it runs (no
    `except Exception` catches it; the task queue marks the task failed, the run is left running)."""


@pytest.fixture
def queue(settings):  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def notices(make_citation, phl_event):  # type: ignore[no-untyped-def]
    """Five notices of the event, each in its own case, issued on 1 June."""
    return [
        make_citation(kind=CitationKind.PHL_CVN, issued_at=local(2026, 6, 1, 20, i), case=CaseFactory(event=phl_event))
        for i in range(5)
    ]


@pytest.fixture
def started(queue, notices, phl_event, coordinator, client_for):  # type: ignore[no-untyped-def]
    client = client_for(coordinator)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/coordination/bulk/disposition/", {**FILTERS, "event": str(phl_event.public_id), "confirm": "yes"})
    return BulkRun.objects.get(), client


def _die_at_case(monkeypatch, number: int):  # type: ignore[no-untyped-def]
    """The worker dies as it starts the case `number` (1-based)."""
    totals = services.payer_totals
    calls = []

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == number:
            raise Killed
        return totals(*args, **kwargs)

    monkeypatch.setattr(services, "payer_totals", watched)


def _age(run: BulkRun, hours: int = 2) -> None:
    BulkRun.objects.filter(pk=run.pk).update(last_progress_at=timezone.now() - datetime.timedelta(hours=hours))


def _decisions_per_citation() -> dict[str, int]:
    counts: dict[str, int] = {}
    for target in AuditEntry.objects.filter(action="citation.decide").values_list("target_id", flat=True):
        counts[target] = counts.get(target, 0) + 1
    return counts


def test_a_lost_worker_is_seen_stalled_and_the_run_carries_on_without_deciding_twice(  # type: ignore[no-untyped-def]
    started, notices, monkeypatch
):
    run, client = started
    _die_at_case(monkeypatch, 3)
    one_worker_step()  # the worker's process ends mid-run; its task is left behind
    monkeypatch.undo()
    run.refresh_from_db()
    assert (run.status, run.done) == (RunStatus.RUNNING, 2)  # two cases committed, each with its step
    assert BulkRunStep.objects.filter(run=run).count() == 2
    assert not bulk_run_is_stalled(run)  # a heartbeat just now

    _age(run)
    run.refresh_from_db()
    assert bulk_run_is_stalled(run)
    page = client.get(f"/coordination/bulk/disposition/{run.public_id}/").content.decode()
    assert 'id="run-stalled"' in page and "js/batch.js" not in page  # no reload loop while stalled
    status = client.get(f"/coordination/bulk/disposition/{run.public_id}/status/").json()
    assert status["stalled"] is True and status["status"] == "running"
    api = client_with_token(run.requested_by).get(f"/api/v1/bulk/mass-disposition/{run.public_id}/")
    assert api.status_code == 200 and api.json()["stalled"] is True and api.json()["recoveries"] == 0

    with TestCase.captureOnCommitCallbacks(execute=True):
        recovery = recover_stale_runs()
    assert recovery.requeued == [str(run.public_id)]
    run.refresh_from_db()
    assert (run.status, run.recoveries) == (RunStatus.QUEUED, 1) and not bulk_run_is_stalled(run)
    assert recover_stale_runs().requeued == []  # fresh heartbeat: nothing to take up

    one_worker_step()
    run.refresh_from_db()
    assert (run.status, run.done, run.decided, run.skipped) == (RunStatus.DONE, 5, 5, 0)
    assert sorted(run.report["decided"]) == sorted(c.pk for c in notices)
    assert set(_decisions_per_citation().values()) == {1} and len(_decisions_per_citation()) == 5
    assert not BulkRunStep.objects.exists()  # gathered into the report
    assert AuditEntry.objects.filter(action="bulk.run_recover", details__status="requeued").exists()


def test_a_run_waiting_for_a_worker_is_not_stalled(started):  # type: ignore[no-untyped-def]
    run, _client = started
    _age(run)
    run.refresh_from_db()
    assert run.task_id and not bulk_run_is_stalled(run)  # its task is still queued
    report = recover_stale_runs()
    assert report.waiting == [str(run.public_id)] and report.requeued == []


def test_after_the_attempts_the_run_stops_with_what_it_did_not_reach(  # type: ignore[no-untyped-def]
    started, notices, monkeypatch, settings
):
    settings.BULK_RUN_RECOVERY_ATTEMPTS = 0
    run, client = started
    _die_at_case(monkeypatch, 4)
    one_worker_step()  # the worker's process ends mid-run; its task is left behind
    monkeypatch.undo()
    _age(run)
    out = io.StringIO()
    call_command("recover_bulk_runs", stdout=out)
    assert f"Run {run.public_id}: stopped, 2 item(s) not reached" in out.getvalue()
    run.refresh_from_db()
    assert (run.status, run.decided, run.skipped, run.done) == (RunStatus.GAVE_UP, 3, 2, 5)
    assert run.finished and not bulk_run_is_stalled(run)
    assert [row[0] for row in run.report["skipped"]] == [c.pk for c in notices[3:]]
    assert "worker running this was lost" in run.report["skipped"][0][1]
    assert Citation.objects.filter(disposition=Disposition.WAIVED).count() == 3
    page = client.get(f"/coordination/bulk/disposition/{run.public_id}/").content.decode()
    assert "Stopped: the worker running it was lost too often" in page
    assert notices[4].number in page and "js/batch.js" not in page


def test_a_slow_worker_stops_once_the_run_was_taken_up_again(started, notices, monkeypatch):  # type: ignore[no-untyped-def]
    run, _client = started

    def recovered_meanwhile() -> None:  # what a recovery elsewhere does while this worker is slow
        _age(run)
        assert recover_stale_runs().requeued == [str(run.public_id)]

    cases = services._by_case  # the loop over cases, between their transactions

    def slow(rows):  # type: ignore[no-untyped-def]
        for number, group in enumerate(cases(rows), start=1):
            if number == 2:
                recovered_meanwhile()
            yield group

    monkeypatch.setattr(services, "_by_case", slow)
    with TestCase.captureOnCommitCallbacks(execute=True):
        one_worker_step(in_transaction=False)
    monkeypatch.undo()
    run.refresh_from_db()
    assert (run.status, run.recoveries) == (RunStatus.QUEUED, 1)  # not failed, not finished by the slow one
    assert BulkRunStep.objects.filter(run=run).count() == 1
    assert Citation.objects.filter(disposition=Disposition.WAIVED).count() == 1  # its second case rolled back

    one_worker_step()
    run.refresh_from_db()
    assert (run.status, run.decided) == (RunStatus.DONE, 5)
    assert set(_decisions_per_citation().values()) == {1}


def test_a_run_that_fails_keeps_what_it_did_in_its_report(started, notices, monkeypatch):  # type: ignore[no-untyped-def]
    run, client = started
    cases = services._by_case

    def breaks_after_one(rows):  # type: ignore[no-untyped-def]
        for number, group in enumerate(cases(rows), start=1):
            if number == 2:
                raise RuntimeError("the database went away")
            yield group

    monkeypatch.setattr(services, "_by_case", breaks_after_one)
    one_worker_step()
    run.refresh_from_db()
    assert (run.status, run.done, run.decided) == (RunStatus.FAILED, 1, 1) and run.finished_at
    assert run.report["decided"] == [notices[0].pk] and not BulkRunStep.objects.exists()
    assert recover_stale_runs().requeued == []  # a failure is not a lost worker
    page = client.get(f"/coordination/bulk/disposition/{run.public_id}/").content.decode()
    assert "The run stopped on an error." in page


@pytest.mark.parametrize("command", ["recover_bulk_runs", "recover_packet_batches"])
def test_the_recovery_commands_refuse_a_delay_under_a_minute(command):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="at least 1 minute"):
        call_command(command, "--older-than", "0", stdout=io.StringIO())


def test_older_than_sets_how_long_without_progress_counts(started):  # type: ignore[no-untyped-def]
    run, _client = started
    _age(run, hours=2)
    out = io.StringIO()
    call_command("recover_bulk_runs", "--older-than", "180", stdout=out)
    assert str(run.public_id) not in out.getvalue()  # two hours old: not stale under three
    call_command("recover_bulk_runs", "--older-than", "60", stdout=out)
    assert f"Run {run.public_id}: still waiting in the task queue" in out.getvalue()
