"""A confirmed mass disposition runs in the background, so that a large one (hundreds of notices,
tens of seconds) never holds the request: `disposition_run_start` fixes the citations (from the
requester's scope) in a DispositionRun and queues `run_mass_disposition` (its id only) on commit;
the task calls the one service, `citation_mass_disposition`, which decides case by case in its own
transactions. Inside each case's transaction the run records a step (what that case decided, left
alone and owes: ids and reasons only), its progress and its heartbeat (`last_progress_at`); at the
end the steps become the run's report. The pages and the API poll `disposition_run_progress`.

A worker killed mid-run (SIGKILL, a reboot) leaves the run "running" for good: django-tasks-db
has no recovery of its own. `disposition_run_is_stalled` says so (the rule is `core.stalls`, shared
with packet batches): no heartbeat for `BULK_RUN_STALL_SECONDS` and its task not waiting in the
queue. `recover_stale_runs` (command `recover_bulk_runs`, task `recover_stale_runs_task`) takes
such a run up again: it is queued anew and its worker skips every citation a step already holds,
so no case is applied twice; after `BULK_RUN_RECOVERY_ATTEMPTS` recoveries the next stall stops
the run (status "gave_up") with the citations not reached listed as left alone, saying why.
A worker that was only slow, not lost, finds the run taken up by another attempt at its next case
and stops there (that case rolls back)."""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from cases.audit import audit_record
from cases.models import Event
from cases.types import User
from citations.access import citation_list_visible_to
from citations.models import Citation, DispositionRun, DispositionRunStep, RunStatus
from citations.selectors import RefundOwed, citations_for_mass_disposition
from citations.services import MassDispositionResult, citation_mass_disposition
from core.stalls import is_stalled, waiting_in_queue

logger = logging.getLogger(__name__)

ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


def stall_timeout() -> datetime.timedelta:
    """No case recorded for this long: the run is stalled (a case takes well under a second)."""
    return datetime.timedelta(seconds=max(60, int(getattr(settings, "BULK_RUN_STALL_SECONDS", 5 * 60))))


def recovery_attempts() -> int:
    """How often a stalled run is queued again before the citations not reached are given up."""
    return max(0, int(getattr(settings, "BULK_RUN_RECOVERY_ATTEMPTS", 2)))


class RunSuperseded(Exception):
    """The run was taken up again by a recovery while this worker still held it: stop here."""


def disposition_run_start(
    *,
    by: User,
    event: Event,
    kind: str,
    issued_from: datetime.date,
    issued_to: datetime.date,
    disposition: str,
    decided_on: datetime.date,
) -> DispositionRun:
    """Queue a confirmed mass disposition over the citations the requester may decide now. The
    run records who asked; the service audits each decision and the run as a whole."""
    chosen = citations_for_mass_disposition(
        user=by, event=event, kind=kind, issued_from=issued_from, issued_to=issued_to
    )
    ids = list(chosen.order_by("case_id", "pk").values_list("pk", flat=True))
    with transaction.atomic():
        run = DispositionRun.objects.create(
            event=event, kind=kind, disposition=disposition, decided_on=decided_on, requested_by=by,
            language=translation.get_language() or "", citation_ids=ids, total=len(ids), batch=uuid.uuid4().hex[:12],
        )  # fmt: skip
        transaction.on_commit(partial(_enqueue, run.pk))
    return run


def _enqueue(run_id: int) -> None:
    """Queue the run's task and keep its result id on the run (`disposition_run_is_stalled`)."""
    result = run_mass_disposition.enqueue(run_id)
    DispositionRun.objects.filter(pk=run_id).update(task_id=str(result.id))


@task()
def run_mass_disposition(run_id: int) -> None:
    """The worker's side of a run (ids only in the arguments)."""
    disposition_run_execute(run_id=run_id)


def _handled(run_id: int) -> set[int]:
    """Citation ids some step of the run already holds (decided or left alone)."""
    handled: set[int] = set()
    for report in DispositionRunStep.objects.filter(run_id=run_id).values_list("report", flat=True):
        handled.update(report.get("decided", []))
        handled.update(row[0] for row in report.get("skipped", []))
    return handled


def _step_report(part: MassDispositionResult) -> dict[str, Any]:
    return {
        "decided": [c.pk for c in part.decided],
        "skipped": [[c.pk, str(why)] for c, why in part.skipped],
        "refunds": [[r.citation.pk, r.payer, str(r.amount)] for r in part.refunds],
    }


def disposition_run_execute(*, run_id: int) -> None:
    """Decide the run's citations not yet handled, recording a step, the progress and the heartbeat
    inside each case's transaction, then gather the report. A run already taken by a worker is left
    alone (a task delivered twice must not decide twice)."""
    now = timezone.now()
    if not DispositionRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=now, last_progress_at=now
    ):
        return
    run = DispositionRun.objects.select_related("requested_by").get(pk=run_id)
    attempt = run.recoveries  # a recovery bumps it: this worker's writes then match nothing
    handled = _handled(run_id)
    before = len(handled)

    def record(count: int, part: MassDispositionResult) -> None:
        if not DispositionRun.objects.filter(pk=run_id, recoveries=attempt, status=RunStatus.RUNNING).update(
            done=before + count, last_progress_at=timezone.now()
        ):
            raise RunSuperseded
        DispositionRunStep.objects.create(run_id=run_id, report=_step_report(part))

    remaining = [pk for pk in run.citation_ids if pk not in handled]
    try:
        with translation.override(run.language or None):
            citation_mass_disposition(
                citations=Citation.objects.filter(pk__in=remaining), disposition=run.disposition,
                decided_on=run.decided_on, by=run.requested_by, progress=record, batch=run.batch,
            )  # fmt: skip
            # Citations gone meanwhile (a case purged) were never handled: they are listed too.
            gone = [pk for pk in run.citation_ids if pk not in _handled(run_id)]
            if gone:
                with transaction.atomic():
                    record(len(remaining), _gone(run, gone))
    except RunSuperseded:
        logger.warning("mass disposition run %s: taken up by another attempt, this worker stops", run_id)
        return
    except Exception:
        DispositionRun.objects.filter(pk=run_id, recoveries=attempt).update(
            status=RunStatus.FAILED, finished_at=timezone.now()
        )
        raise
    _finish(run_id, status=RunStatus.DONE, attempt=attempt)


def _gone(run: DispositionRun, ids: list[int], why: str = "") -> MassDispositionResult:
    """A step part listing citations that cannot be decided by this run (by id: they may be gone)."""
    part = MassDispositionResult(disposition=run.disposition)
    reason = why or _("This citation is no longer available.")
    part.skipped = [(Citation(pk=pk), reason) for pk in ids]
    return part


def _finish(run_id: int, *, status: str, attempt: int) -> None:
    """Gather the steps into the run's report and close the run (only the attempt holding it)."""
    with transaction.atomic():
        run = DispositionRun.objects.select_for_update().get(pk=run_id)
        if run.recoveries != attempt or run.finished:
            return
        report: dict[str, list[Any]] = {"decided": [], "skipped": [], "refunds": []}
        for step in DispositionRunStep.objects.filter(run_id=run_id).order_by("id"):
            for part in report:
                report[part].extend(step.report.get(part, []))
        run.status, run.report, run.finished_at = status, report, timezone.now()
        run.done, run.decided, run.skipped = run.total, len(report["decided"]), len(report["skipped"])
        run.refund_total = sum((Decimal(amount) for _, _, amount in report["refunds"]), Decimal("0.00"))
        run.save()
        DispositionRunStep.objects.filter(run_id=run_id).delete()


# --- Stalls and recovery -----------------------------------------------------------------------


def disposition_run_is_stalled(run: DispositionRun, *, now: datetime.datetime | None = None) -> bool:
    """Not finished, no case recorded for the stall timeout, its task not waiting in the queue."""
    return is_stalled(
        finished=run.finished, last_progress_at=run.last_progress_at, timeout=stall_timeout(),
        waiting=lambda: waiting_in_queue(run_mass_disposition, run.task_id), now=now,
    )  # fmt: skip


@dataclass
class RunRecovery:
    requeued: list[str] = field(default_factory=list)  # run public ids queued again
    given_up: dict[str, int] = field(default_factory=dict)  # run public id -> citations not reached
    waiting: list[str] = field(default_factory=list)  # no progress, but its task still waits: left alone

    def as_dict(self) -> dict[str, Any]:
        return {"requeued": self.requeued, "given_up": self.given_up, "waiting": self.waiting}


def recover_stale_runs(*, older_than: datetime.timedelta | None = None) -> RunRecovery:
    """Take up every unfinished run without progress for `older_than` (default the stall timeout)
    whose task is not waiting in the queue: queue it again, or, once the recovery attempts are
    spent, stop it with the citations not reached listed as left alone. Safe to run from several
    places at once: each run is claimed by one conditional UPDATE."""
    cutoff = timezone.now() - (older_than if older_than is not None else stall_timeout())
    report = RunRecovery()
    stale = DispositionRun.objects.filter(status__in=ACTIVE, last_progress_at__lt=cutoff).order_by("pk")
    for run in list(stale.only("pk", "public_id", "task_id")):
        if waiting_in_queue(run_mass_disposition, run.task_id):
            report.waiting.append(str(run.public_id))
            continue
        outcome = _recover(run.pk, cutoff)
        if outcome is None:
            continue
        key, given_up = outcome
        if given_up is None:
            report.requeued.append(key)
        else:
            report.given_up[key] = given_up
        logger.warning("mass disposition run stalled: %s (%s)", key, "given up" if given_up is not None else "requeued")
    return report


def _recover(run_id: int, cutoff: datetime.datetime) -> tuple[str, int | None] | None:
    """Claim one stale run and queue it again or give it up: (run public id, None when queued
    again or the number of citations given up), or None when another recovery claimed it."""
    with transaction.atomic():
        claimed = DispositionRun.objects.filter(pk=run_id, status__in=ACTIVE, last_progress_at__lt=cutoff).update(
            last_progress_at=timezone.now(), recoveries=F("recoveries") + 1, status=RunStatus.QUEUED
        )
        if not claimed:
            return None
        run = DispositionRun.objects.select_for_update().get(pk=run_id)
        key = str(run.public_id)
        if run.recoveries <= recovery_attempts():
            transaction.on_commit(partial(_enqueue, run_id))
            audit_record(actor=None, action="citation.mass_disposition_recover", target=run, status="requeued")
            return key, None
        lost = [pk for pk in run.citation_ids if pk not in _handled(run_id)]
        with translation.override(run.language or None):
            why = _("Not reached: the worker running this was lost. Start a new run for what is left.")
            DispositionRunStep.objects.create(run_id=run_id, report=_step_report(_gone(run, lost, why)))
        audit_record(
            actor=None, action="citation.mass_disposition_recover", target=run, status="given_up", errors=len(lost)
        )
        _finish(run_id, status=RunStatus.GAVE_UP, attempt=run.recoveries)
    return key, len(lost)


def disposition_run_progress(run: DispositionRun) -> dict[str, Any]:
    """Status for polling (the same fields a packet batch's status has): counts only."""
    return {
        "id": str(run.public_id),
        "status": run.status,
        "done": run.done,
        "total": run.total,
        "decided": run.decided,
        "skipped": run.skipped,
        "refund_total": str(run.refund_total.quantize(Decimal("0.01"))),
        "batch": run.batch,
        "stalled": disposition_run_is_stalled(run),
        "recoveries": run.recoveries,
        "created_at": run.created_at.isoformat(),
        "last_progress_at": run.last_progress_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


@dataclass
class RunReport:
    """A finished run's report with its citations loaded (through the reader's scope)."""

    decided: list[Citation] = field(default_factory=list)
    skipped: list[tuple[Citation, str]] = field(default_factory=list)
    refunds: list[RefundOwed] = field(default_factory=list)


def disposition_run_report(run: DispositionRun, *, user: User, limit: int) -> RunReport:
    """The first `limit` rows of each part of the report, in one query for the citations."""
    stored = run.report or {}
    decided_ids = list(stored.get("decided", []))[:limit]
    skipped_rows = list(stored.get("skipped", []))[:limit]
    refund_rows = list(stored.get("refunds", []))[:limit]
    wanted = set(decided_ids) | {row[0] for row in skipped_rows} | {row[0] for row in refund_rows}
    citations = {c.pk: c for c in citation_list_visible_to(user=user).filter(pk__in=wanted)}
    return RunReport(
        decided=[citations[pk] for pk in decided_ids if pk in citations],
        skipped=[(citations[pk], why) for pk, why in skipped_rows if pk in citations],
        refunds=[
            RefundOwed(citation=citations[pk], payer=payer, amount=Decimal(amount))
            for pk, payer, amount in refund_rows
            if pk in citations
        ],
    )


@task()
def recover_stale_runs_task() -> dict[str, Any]:
    """Take up stalled runs (same as `manage.py recover_bulk_runs`); schedule it every few
    minutes. Returns run ids and counts only."""
    return recover_stale_runs().as_dict()
