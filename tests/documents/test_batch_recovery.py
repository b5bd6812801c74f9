"""A batch whose worker is killed mid-chunk does not stay "running" forever: it shows as stalled
once its heartbeat is older than the timeout, `recover_stale_batches` re-enqueues the cases not
yet recorded (each case recorded once, never twice into the result), and after the attempt limit
the remaining cases are listed as failed while the rest is delivered."""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.utils import timezone, translation

from cases.models import AuditEntry
from documents import batches
from documents.batches import batch_create, batch_download, batch_is_stalled, batch_run_chunk, recover_stale_batches
from documents.models import BatchKind, BatchStatus, PacketBatch
from tests.api.conftest import client_with_token
from tests.documents.batch_fakes import FakeRenderer
from tests.factories import CaseFactory, EventFactory

pytestmark = pytest.mark.django_db

NUMBERS = [f"2098-000{n}" for n in range(1, 6)]  # chunks of 2: [1, 2] [3, 4] [5]


@pytest.fixture
def renderer(monkeypatch, settings):  # type: ignore[no-untyped-def]
    settings.PACKET_BATCH_CHUNK = 2
    fake = FakeRenderer()
    monkeypatch.setattr("documents.batches.packet_for_case", fake)
    return fake


@pytest.fixture
def event(lawyer):  # type: ignore[no-untyped-def]
    event = EventFactory(name="Night march")
    for number in NUMBERS:
        CaseFactory(event=event, lawyers=[lawyer], number=number)
    return event


def start(lawyer: Any, event: Any) -> PacketBatch:
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = batch_create(by=lawyer, kind=BatchKind.EVENT, event=event)
    batch.refresh_from_db()
    return batch


def later(time_machine: Any, minutes: int) -> None:
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=minutes), tick=False)


def recover() -> batches.RecoveryReport:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return recover_stale_batches()


def zip_of(batch: PacketBatch, user: Any) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(batch_download(batch=batch, by=user).chunks)))


def test_a_killed_worker_is_recovered_and_the_batch_delivers_every_case_once(lawyer, event, renderer, time_machine):  # type: ignore[no-untyped-def]
    renderer.kill_once = {NUMBERS[2]}  # the worker dies on the first case of the second chunk
    batch = start(lawyer, event)
    assert (batch.status, batch.done, batch.total) == (BatchStatus.RUNNING, 3, 5)  # 1, 2 and 5; 3 and 4 lost
    assert not batch_is_stalled(batch)
    assert recover().requeued == {}  # not stalled yet: nothing to do

    later(time_machine, 16)
    batch.refresh_from_db()
    assert batch_is_stalled(batch)
    progress = client_with_token(lawyer).get(f"/api/v1/packets/{batch.public_id}/").json()
    assert (progress["status"], progress["stalled"], progress["done"]) == ("running", True, 3)

    report = recover()
    assert report.requeued == {str(batch.public_id): 2}
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed, batch.recoveries) == (BatchStatus.DONE, 5, 0, 1)
    assert not batch_is_stalled(batch)
    # Cases recorded before the kill were not rendered again; the killed one was retried once.
    assert renderer.calls == {NUMBERS[0]: 1, NUMBERS[1]: 1, NUMBERS[2]: 2, NUMBERS[3]: 1, NUMBERS[4]: 1}
    archive = zip_of(batch, lawyer)
    pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]
    assert sorted(pdfs) == [f"case-{n}.pdf" for n in NUMBERS]  # one each, nothing twice
    assert len(batch.manifest.splitlines()) == 5 and "FAILED.txt" not in archive.namelist()
    entry = AuditEntry.objects.get(action="packet.batch_recover")
    assert (entry.target_id, entry.details["status"], entry.details["count"]) == (str(batch.public_id), "requeued", 2)

    # The dead worker's chunk running after all (or a task delivered twice) changes nothing.
    batch_run_chunk(batch_id=batch.pk, case_ids=list(batch.cases.order_by("number").values_list("pk", flat=True)))
    again = PacketBatch.objects.get(pk=batch.pk)
    assert (again.done, again.items, again.manifest) == (5, batch.items, batch.manifest)
    assert renderer.calls[NUMBERS[2]] == 2


def test_a_chunk_run_twice_records_each_case_once(lawyer, event, renderer, time_machine):  # type: ignore[no-untyped-def]
    renderer.kill_once = {NUMBERS[3]}  # dies on the second case of the second chunk
    batch = start(lawyer, event)
    assert batch.done == 4
    second_chunk = list(batch.cases.filter(number__in=NUMBERS[2:4]).order_by("number").values_list("pk", flat=True))
    # The same chunk again (the original task picked up late next to the recovery's): case 3 is skipped.
    batch_run_chunk(batch_id=batch.pk, case_ids=second_chunk)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.DONE, 5, 0)
    assert renderer.calls[NUMBERS[2]] == 1 and renderer.calls[NUMBERS[3]] == 2
    assert len(batch.items) == 5
    # A late recovery finds nothing to do.
    later(time_machine, 30)
    assert recover().as_dict() == {"requeued": {}, "given_up": {}, "finished": [], "waiting": []}


def test_after_the_attempt_limit_the_rest_is_delivered_and_the_lost_cases_listed(
    lawyer, event, renderer, time_machine, settings
):  # type: ignore[no-untyped-def]
    settings.PACKET_BATCH_RECOVERY_ATTEMPTS = 1
    renderer.kill_always = {NUMBERS[2]}  # every worker dies on it
    batch = start(lawyer, event)
    later(time_machine, 16)
    assert recover().requeued == {str(batch.public_id): 2}  # attempt 1: dies again on case 3
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.recoveries) == (BatchStatus.RUNNING, 3, 1)
    later(time_machine, 10)
    assert recover().requeued == {}  # the recovery was progress: the clock started again
    later(time_machine, 6)
    report = recover()
    assert report.given_up == {str(batch.public_id): 2}
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.DONE, 5, 2)
    assert batch.errors == [
        {"case": str(batch.cases.get(number=n).public_id), "number": n, "error": "worker_lost"} for n in NUMBERS[2:4]
    ]
    archive = zip_of(batch, lawyer)
    assert sorted(n for n in archive.namelist() if n.endswith(".pdf")) == [
        f"case-{n}.pdf" for n in (NUMBERS[0], NUMBERS[1], NUMBERS[4])
    ]
    failed = archive.read("FAILED.txt").decode()
    assert f"{NUMBERS[2]}: worker_lost" in failed and f"{NUMBERS[3]}: worker_lost" in failed
    assert list(AuditEntry.objects.filter(action="packet.batch_recover").values_list("details__status", flat=True)) == [
        "requeued",
        "given_up",
    ]


def test_two_recoveries_racing_enqueue_once(lawyer, event, renderer, time_machine):  # type: ignore[no-untyped-def]
    renderer.kill_once = {NUMBERS[2]}
    batch = start(lawyer, event)
    later(time_machine, 16)
    cutoff = timezone.now() - batches.stall_timeout()
    # Both saw the batch as stalled before either claimed it; only the first claim matches.
    with mock.patch.object(batches, "_enqueue") as enqueue, TestCase.captureOnCommitCallbacks(execute=True):
        first = batches._recover(batch.pk, cutoff)
        second = batches._recover(batch.pk, cutoff)
    assert enqueue.call_count == 1
    assert (first, second) == ((str(batch.public_id), "requeued", 2), None)
    assert PacketBatch.objects.get(pk=batch.pk).recoveries == 1


def test_a_batch_that_cannot_be_recovered_does_not_keep_the_others_stalled(lawyer, renderer, time_machine):  # type: ignore[no-untyped-def]
    stalled = []
    for name in ("First march", "Second march"):
        event = EventFactory(name=name)
        CaseFactory(event=event, lawyers=[lawyer], number=f"{name[:3]}-1")
        renderer.kill_once.add(f"{name[:3]}-1")
        stalled.append(start(lawyer, event))
    later(time_machine, 16)
    real = batches._recover

    def broken_first(batch_id, cutoff):  # type: ignore[no-untyped-def]
        if batch_id == stalled[0].pk:
            raise RuntimeError("this batch's rows are broken")
        return real(batch_id, cutoff)

    with mock.patch.object(batches, "_recover", broken_first):
        report = recover()
    assert report.requeued == {str(stalled[1].public_id): 1}
    assert PacketBatch.objects.get(pk=stalled[1].pk).status == BatchStatus.DONE  # re-enqueued and delivered
    assert PacketBatch.objects.get(pk=stalled[0].pk).status != BatchStatus.DONE


def test_a_worker_killed_before_finishing_the_batch_is_finished_by_recovery(lawyer, event, renderer, time_machine):  # type: ignore[no-untyped-def]
    with mock.patch.object(batches, "_finish_if_complete"):  # every case recorded, the finishing lost
        batch = start(lawyer, event)
    assert (batch.status, batch.done) == (BatchStatus.RUNNING, 5)
    later(time_machine, 16)
    report = recover()
    assert report.finished == [str(batch.public_id)]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and len(batch.manifest.splitlines()) == 5
    assert sum(renderer.calls.values()) == 5


def test_a_batch_whose_tasks_were_never_enqueued_is_recovered(lawyer, event, renderer, time_machine):  # type: ignore[no-untyped-def]
    batch = batch_create(by=lawyer, kind=BatchKind.EVENT, event=event)  # the process died before on_commit ran
    batch.refresh_from_db()
    assert (batch.status, batch.done) == (BatchStatus.QUEUED, 0)
    later(time_machine, 16)
    assert recover().requeued == {str(batch.public_id): 5}
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.DONE, 5, 0)


def test_the_command_runs_the_recovery(lawyer, event, renderer, time_machine):  # type: ignore[no-untyped-def]
    renderer.kill_once = {NUMBERS[0], NUMBERS[4]}
    batch = start(lawyer, event)
    assert batch.done == 2  # chunks 1 and 3 died on their first case
    later(time_machine, 16)
    out = io.StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("recover_packet_batches", stdout=out)
    assert f"Batch {batch.public_id}: 3 case(s) enqueued again" in out.getvalue()
    assert "1 stalled batch(es) taken up." in out.getvalue()
    assert PacketBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE


def test_the_periodic_task_runs_the_recovery(lawyer, event, renderer, time_machine):  # type: ignore[no-untyped-def]
    from documents.tasks import recover_stale_batches_task

    renderer.kill_once = {NUMBERS[3]}
    batch = start(lawyer, event)
    later(time_machine, 16)
    with TestCase.captureOnCommitCallbacks(execute=True):
        result = recover_stale_batches_task.enqueue()
    assert result.return_value == {
        "requeued": {str(batch.public_id): 1}, "given_up": {}, "finished": [], "waiting": [],
    }  # fmt: skip
    assert PacketBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE


def test_stalled_shows_on_the_web_status(lawyer, event, renderer, client_for, time_machine):  # type: ignore[no-untyped-def]
    renderer.kill_once = {NUMBERS[2]}
    batch = start(lawyer, event)
    client = client_for(lawyer)
    assert client.get(f"/documents/batches/{batch.public_id}/status/").json()["stalled"] is False
    batch.last_progress_at = timezone.now() - datetime.timedelta(minutes=20)
    batch.save(update_fields=["last_progress_at"])
    status = client.get(f"/documents/batches/{batch.public_id}/status/").json()
    assert (status["status"], status["stalled"]) == ("running", True)
    page = client.get(f"/documents/batches/{batch.public_id}/").content.decode()
    assert "Stalled" in page and "js/batch.js" not in page  # no reload every second while stalled
    with translation.override("en"):  # the locale middleware leaves Spanish active: put back what was there
        spanish = client.get(f"/documents/batches/{batch.public_id}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Detenido: sin avances" in spanish


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: two connections racing")
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_recoveries_on_two_connections_enqueue_once(lawyer, event, renderer, time_machine):  # type: ignore[no-untyped-def]
    import threading

    from django.db import connections

    renderer.kill_once = {NUMBERS[2]}
    batch = batch_create(by=lawyer, kind=BatchKind.EVENT, event=event)  # transaction=True: on_commit runs now
    assert PacketBatch.objects.get(pk=batch.pk).done == 3
    later(time_machine, 16)
    barrier = threading.Barrier(2)
    reports: list[Any] = [None, None]

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            reports[index] = recover_stale_batches()
        finally:
            connections.close_all()

    with mock.patch.object(batches, "_enqueue") as enqueue:
        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert enqueue.call_count == 1
    assert sorted(len(r.requeued) for r in reports) == [0, 1]
    assert PacketBatch.objects.get(pk=batch.pk).recoveries == 1


class _Deadlock(Exception):
    sqlstate = "40P01"


def _victim(sqlstate: str = "40P01") -> Exception:
    from django.db import OperationalError

    error = OperationalError("deadlock detected")
    cause = _Deadlock()
    cause.sqlstate = sqlstate
    error.__cause__ = cause
    return error


def test_a_step_chosen_as_deadlock_victim_is_run_again(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(batches.time, "sleep", lambda seconds: None)
    calls = []

    def step():  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) < 3:
            raise _victim()
        return "done"

    assert batches._retrying(step) == "done" and len(calls) == 3


def test_other_database_errors_and_a_fourth_deadlock_are_not_hidden(monkeypatch):  # type: ignore[no-untyped-def]
    from django.db import OperationalError

    monkeypatch.setattr(batches.time, "sleep", lambda seconds: None)
    calls = []

    def other():  # type: ignore[no-untyped-def]
        calls.append(1)
        raise _victim("08006")  # connection failure

    with pytest.raises(OperationalError):
        batches._retrying(other)
    assert len(calls) == 1

    def always():  # type: ignore[no-untyped-def]
        calls.append(1)
        raise _victim()

    with pytest.raises(OperationalError):
        batches._retrying(always)
    assert len(calls) == 1 + 4


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: row locks seen from a second connection"
)
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_finishing_a_batch_locks_the_batch_but_not_its_requesters_account(lawyer, event, renderer):  # type: ignore[no-untyped-def]
    """The deadlock the scale-out check met: finishing a batch locked the requester's account row
    (FOR UPDATE over the join) and then waited for the audit chain head, while a transaction
    holding the chain head inserted an audit entry naming that account, whose foreign key check
    needs a KEY SHARE lock on the same row. Seen from a second connection while the finish's lock
    is held: the batch row is locked, the account row takes a KEY SHARE lock at once."""
    import threading

    from django.db import connections, transaction

    batch = PacketBatch.objects.create(
        kind=BatchKind.EVENT, event=event, requested_by=lawyer, status=BatchStatus.RUNNING
    )
    locked = threading.Event()
    release = threading.Event()

    def finish_holding_the_lock() -> None:
        try:
            with transaction.atomic():
                assert batches._locked_with_requester(batch.pk).requested_by == lawyer
                locked.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=finish_holding_the_lock)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        from django.db import DatabaseError

        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
            with pytest.raises(DatabaseError), transaction.atomic():  # the batch row: locked
                cursor.execute("SELECT 1 FROM documents_packetbatch WHERE id = %s FOR UPDATE NOWAIT", [batch.pk])
            with transaction.atomic():  # the account: free for an audit entry's foreign key check
                cursor.execute("SELECT 1 FROM auth_user_account WHERE id = %s FOR KEY SHARE NOWAIT", [lawyer.pk])
                assert cursor.fetchone() == (1,)
            cursor.execute("SET lock_timeout = 0")
    finally:
        release.set()
        holder.join(timeout=10)


# --- With a queue of tasks (the production backend, django-tasks-db): a batch waiting its turn
# behind others is not stalled, however old its heartbeat.


@pytest.fixture
def queue(settings):  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def work_the_queue() -> int:
    """What a db_worker does (here, inside the test's transaction): claim each ready task in turn,
    run it and record it. The number of tasks run."""
    from django_tasks_db.models import DBTaskResult

    ran = 0
    while (row := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        row.claim("test-worker")
        with TestCase.captureOnCommitCallbacks(execute=True):
            row.task.call(*row.task_result.args, **row.task_result.kwargs)
        row.set_successful(None)
        ran += 1
    return ran


def test_a_batch_still_waiting_in_the_queue_is_not_stalled_nor_taken_up(lawyer, event, renderer, queue, time_machine):  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    batch = start(lawyer, event)  # its three chunk tasks wait: every worker is busy with other batches
    assert (batch.status, batch.done, len(batch.task_ids)) == (BatchStatus.QUEUED, 0, 3)
    assert set(batch.task_ids) == {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    later(time_machine, 60)
    batch.refresh_from_db()
    assert not batch_is_stalled(batch)
    progress = client_with_token(lawyer).get(f"/api/v1/packets/{batch.public_id}/").json()
    assert (progress["status"], progress["stalled"]) == ("queued", False)
    out = io.StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("recover_packet_batches", stdout=out)
    assert f"Batch {batch.public_id}: still waiting in the task queue, left alone" in out.getvalue()
    assert "0 stalled batch(es) taken up." in out.getvalue()
    report = recover()
    assert report.waiting == [str(batch.public_id)] and report.requeued == {} and report.given_up == {}
    batch.refresh_from_db()
    assert batch.recoveries == 0 and DBTaskResult.objects.count() == 3  # nothing enqueued twice
    assert sum(renderer.calls.values()) == 0

    assert work_the_queue() == 3  # its turn comes
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.DONE, 5, 0)
    assert sum(renderer.calls.values()) == 5


def test_a_batch_whose_tasks_a_lost_worker_took_is_taken_up(lawyer, event, renderer, queue, time_machine):  # type: ignore[no-untyped-def]
    """Claimed by a worker that died before recording anything: none waits any more, so the old
    heartbeat means a stall; the cases are enqueued again (new tasks, whose ids the batch keeps)."""
    from django_tasks_db.models import DBTaskResult

    batch = start(lawyer, event)
    first = set(batch.task_ids)
    for row in DBTaskResult.objects.all():
        row.claim("a-worker-then-killed")
    later(time_machine, 16)
    batch.refresh_from_db()
    assert batch_is_stalled(batch)
    assert recover().requeued == {str(batch.public_id): 5}
    batch.refresh_from_db()
    assert len(batch.task_ids) == 3 and not first & set(batch.task_ids)
    assert not batch_is_stalled(batch)
    assert work_the_queue() == 3
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed, batch.recoveries) == (BatchStatus.DONE, 5, 0, 1)


def test_when_one_chunk_waits_the_batch_waits_even_if_another_chunks_worker_died(  # type: ignore[no-untyped-def]
    lawyer, event, renderer, queue, time_machine
):
    """The waiting chunk's worker will heartbeat when it starts; the lost chunk's cases are taken
    up once nothing of the batch waits any more."""
    from django_tasks_db.models import DBTaskResult

    batch = start(lawyer, event)
    oldest = DBTaskResult.objects.order_by("enqueued_at").first()
    oldest.claim("a-worker-then-killed")
    later(time_machine, 16)
    assert recover().waiting == [str(batch.public_id)]
    assert work_the_queue() == 2  # chunks two and three: 3 of 5 cases in
    later(time_machine, 16)
    assert recover().requeued == {str(batch.public_id): 2}
    assert work_the_queue() == 1
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed) == (BatchStatus.DONE, 5, 0)


def test_whether_a_batch_waits_is_one_lookup_however_many_chunks(  # type: ignore[no-untyped-def]
    lawyer, event, renderer, queue, time_machine, settings, django_assert_num_queries
):
    """The batch list shows `stalled` for each batch: asking the queue costs one lookup per
    batch, not one per chunk task."""
    from django_tasks_db.models import DBTaskResult

    settings.PACKET_BATCH_CHUNK = 1
    batch = start(lawyer, event)
    assert len(batch.task_ids) == 5
    for row in DBTaskResult.objects.all():
        row.claim("a-worker-then-killed")
    later(time_machine, 16)
    batch.refresh_from_db()
    with django_assert_num_queries(1):
        assert batch_is_stalled(batch)
    newest = DBTaskResult.objects.get(pk=batch.task_ids[-1])
    DBTaskResult.objects.filter(pk=newest.pk).update(status="READY", worker_ids=[])  # still queued
    with django_assert_num_queries(1):
        assert not batch_is_stalled(batch)
