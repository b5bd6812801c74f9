"""Confirmed bulk actions run in the background, so that a large one (hundreds of notices, three
thousand cases for the lawyers, a courtroom list of two hundred) never holds the request: a
`*_run_start` fixes the items (citation ids, or case ids for an assignment, from the requester's
scope) in a BulkRun and queues `run_bulk_action` (its id only) on commit; the task calls the one
service of the action (`citation_mass_disposition`, `cases_assign_lawyer`,
`citation_hearing_outcomes`), which works case by case in its own transactions. Inside each
case's transaction the run records a step (what that case decided, left alone and owes: ids and
reasons only), its progress and its heartbeat (`last_progress_at`); at the end the steps become
the run's report. The pages and the API poll `bulk_run_progress`.

A worker killed mid-run (SIGKILL, a reboot) leaves the run "running" for good: django-tasks-db
has no recovery of its own. `bulk_run_is_stalled` says so (the rule is `core.stalls`, shared with
packet batches): no heartbeat for `BULK_RUN_STALL_SECONDS` and its task not waiting in the queue.
`recover_stale_runs` (command `recover_bulk_runs`, task `recover_stale_runs_task`) takes such a
run up again: it is queued anew and its worker skips every item a step already holds, so no case
is applied twice; after `BULK_RUN_RECOVERY_ATTEMPTS` recoveries the next stall stops the run
(status "gave_up") with the items not reached listed as left alone, saying why. A worker that was
only slow, not lost, finds the run taken up by another attempt at its next case and stops there
(that case rolls back)."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from cases.access import case_list_visible_to
from cases.audit import audit_record
from cases.models import Case, Event
from cases.services import BulkAssignResult, cases_assign_lawyer, lawyer_check_assignable
from cases.types import User
from citations.access import citation_list_visible_to
from citations.models import BulkAction, BulkRun, BulkRunStep, Citation, RunStatus
from citations.selectors import RefundOwed, citations_for_mass_disposition
from citations.services import (
    HearingOutcomesResult,
    MassDispositionResult,
    citation_hearing_outcomes,
    citation_mass_disposition,
)
from core.stalls import is_stalled, waiting_in_queue

logger = logging.getLogger(__name__)

ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)
Step = dict[str, list[Any]]  # {"decided": [...], "skipped": [[id, why], ...], "refunds": [...]}
Record = Callable[[int, Step], None]


def stall_timeout() -> datetime.timedelta:
    """No case recorded for this long: the run is stalled (a case takes well under a second)."""
    return datetime.timedelta(seconds=max(60, int(settings.BULK_RUN_STALL_SECONDS)))


def recovery_attempts() -> int:
    """How often a stalled run is queued again before the items not reached are given up."""
    return max(0, int(settings.BULK_RUN_RECOVERY_ATTEMPTS))


class RunSuperseded(Exception):
    """The run was taken up again by a recovery while this worker still held it: stop here."""


# --- Starting a run ---------------------------------------------------------------------------


def _start(**fields: Any) -> BulkRun:
    with transaction.atomic():
        run = BulkRun.objects.create(
            language=translation.get_language() or "", total=len(fields["item_ids"]), batch=uuid.uuid4().hex[:12],
            **fields,
        )  # fmt: skip
        transaction.on_commit(partial(_enqueue, run.pk))
    return run


def disposition_run_start(
    *,
    by: User,
    event: Event,
    kind: str,
    issued_from: datetime.date,
    issued_to: datetime.date,
    disposition: str,
    decided_on: datetime.date,
) -> BulkRun:
    """Queue a confirmed mass disposition over the citations the requester may decide now. The
    run records who asked; the service audits each decision and the run as a whole."""
    chosen = citations_for_mass_disposition(
        user=by, event=event, kind=kind, issued_from=issued_from, issued_to=issued_to
    )
    ids = list(chosen.order_by("case_id", "pk").values_list("pk", flat=True))
    return _start(
        action=BulkAction.MASS_DISPOSITION, event=event, kind=kind, disposition=disposition, decided_on=decided_on,
        requested_by=by, item_ids=ids,
    )  # fmt: skip


def assign_run_start(*, by: User, cases: list[Case], lawyer: User, event: Event | None = None) -> BulkRun:
    """Queue a confirmed assignment of `cases` (already fetched through the requester's scope) to
    `lawyer`. Who may be assigned is checked now, as the preview did, and again by the service when
    the run starts (the account may have changed meanwhile)."""
    lawyer_check_assignable(lawyer)
    ids = [case.pk for case in sorted(cases, key=lambda case: (case.number, case.pk))]
    return _start(action=BulkAction.ASSIGN, event=event, requested_by=by, item_ids=ids, params={"lawyer": lawyer.pk})


def outcomes_run_start(
    *, by: User, outcomes: list[tuple[Citation, str]], decided_on: datetime.date, courtroom: str = ""
) -> BulkRun:
    """Queue the confirmed outcomes of a courtroom list (citations already fetched through the
    requester's hearing list), one decision per citation, decided on `decided_on`; `courtroom`
    only takes the run's page back to the same list."""
    chosen = [(citation, value) for citation, value in outcomes if value]
    return _start(
        action=BulkAction.HEARING_OUTCOMES, decided_on=decided_on, requested_by=by,
        item_ids=[citation.pk for citation, _value in chosen],
        params={"outcomes": {str(citation.pk): value for citation, value in chosen}, "courtroom": courtroom},
    )  # fmt: skip


def _enqueue(run_id: int) -> None:
    """Queue the run's task and keep its result id on the run (`bulk_run_is_stalled`)."""
    result = run_bulk_action.enqueue(run_id)
    BulkRun.objects.filter(pk=run_id).update(task_id=str(result.id))


@task()
def run_bulk_action(run_id: int) -> None:
    """The worker's side of a run (ids only in the arguments)."""
    bulk_run_execute(run_id=run_id)


run_mass_disposition = run_bulk_action  # tasks queued before runs covered every bulk action name it by this path


# --- Running it ---------------------------------------------------------------------------------


def _disposition_step(part: MassDispositionResult) -> Step:
    return {
        "decided": [c.pk for c in part.decided],
        "skipped": [[c.pk, str(why)] for c, why in part.skipped],
        "refunds": [[r.citation.pk, r.payer, str(r.amount)] for r in part.refunds],
    }


def _assign_step(part: BulkAssignResult) -> Step:
    return {"decided": [c.pk for c in part.assigned], "skipped": [[c.pk, str(why)] for c, why in part.skipped]}


def _outcomes_step(part: HearingOutcomesResult) -> Step:
    return {
        "decided": [[c.pk, value] for c, value in part.decided],
        "skipped": [[c.pk, str(why)] for c, why in part.skipped],
    }


def _run_disposition(run: BulkRun, remaining: list[int], record: Record) -> None:
    decided_on = cast("datetime.date", run.decided_on)  # always set by disposition_run_start
    citation_mass_disposition(
        citations=Citation.objects.filter(pk__in=remaining), disposition=run.disposition, decided_on=decided_on,
        by=run.requested_by, progress=lambda n, part: record(n, _disposition_step(part)), batch=run.batch,
    )  # fmt: skip


def _run_assign(run: BulkRun, remaining: list[int], record: Record) -> None:
    lawyer = get_user_model()._default_manager.get(pk=run.params["lawyer"])
    cases_assign_lawyer(
        cases=Case.objects.filter(pk__in=remaining), lawyer=lawyer, by=run.requested_by,
        progress=lambda n, part: record(n, _assign_step(part)), batch=run.batch,
    )  # fmt: skip


def _run_outcomes(run: BulkRun, remaining: list[int], record: Record) -> None:
    decided_on = cast("datetime.date", run.decided_on)  # always set by outcomes_run_start
    wanted = {int(pk): value for pk, value in run.params.get("outcomes", {}).items()}
    citations = Citation.objects.filter(pk__in=remaining).order_by("case_id", "pk")
    citation_hearing_outcomes(
        outcomes=[(c, wanted[c.pk]) for c in citations], decided_on=decided_on, by=run.requested_by,
        progress=lambda n, part: record(n, _outcomes_step(part)), batch=run.batch,
    )  # fmt: skip


EXECUTORS: dict[str, Callable[[BulkRun, list[int], Record], None]] = {
    BulkAction.MASS_DISPOSITION: _run_disposition,
    BulkAction.ASSIGN: _run_assign,
    BulkAction.HEARING_OUTCOMES: _run_outcomes,
}


def _item_id(row: Any) -> int:
    return int(row[0]) if isinstance(row, list) else int(row)


def _handled(run_id: int) -> set[int]:
    """Item ids some step of the run already holds (decided or left alone)."""
    handled: set[int] = set()
    for report in BulkRunStep.objects.filter(run_id=run_id).values_list("report", flat=True):
        handled.update(_item_id(row) for row in report.get("decided", []))
        handled.update(_item_id(row) for row in report.get("skipped", []))
    return handled


def bulk_run_execute(*, run_id: int) -> None:
    """Do the run's items not yet handled, recording a step, the progress and the heartbeat inside
    each case's transaction, then gather the report. A run already taken by a worker is left alone
    (a task delivered twice must not act twice)."""
    now = timezone.now()
    if not BulkRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=now, last_progress_at=now
    ):
        return
    run = BulkRun.objects.select_related("requested_by").get(pk=run_id)
    attempt = run.recoveries  # a recovery bumps it: this worker's writes then match nothing
    handled = _handled(run_id)
    before = len(handled)

    def record(count: int, step: Step) -> None:
        if not BulkRun.objects.filter(pk=run_id, recoveries=attempt, status=RunStatus.RUNNING).update(
            done=before + count, last_progress_at=timezone.now()
        ):
            raise RunSuperseded
        BulkRunStep.objects.create(run_id=run_id, report=step)

    remaining = [pk for pk in run.item_ids if pk not in handled]
    try:
        with translation.override(run.language or None):
            EXECUTORS[run.action](run, remaining, record)
            # Items gone meanwhile (a case purged or merged away) were never handled: listed too.
            gone = [pk for pk in run.item_ids if pk not in _handled(run_id)]
            if gone:
                with transaction.atomic():
                    record(len(remaining), {"skipped": [[pk, _("This record is no longer available.")] for pk in gone]})
    except RunSuperseded:
        logger.warning("bulk run %s: taken up by another attempt, this worker stops", run_id)
        return
    except Exception:
        _finish(run_id, status=RunStatus.FAILED, attempt=attempt)  # what was done stays in the report
        raise
    _finish(run_id, status=RunStatus.DONE, attempt=attempt)


def _finish(run_id: int, *, status: str, attempt: int) -> None:
    """Gather the steps into the run's report and close the run (only the attempt holding it)."""
    with transaction.atomic():
        run = BulkRun.objects.select_for_update().get(pk=run_id)
        if run.recoveries != attempt or run.finished:
            return
        report: Step = {"decided": [], "skipped": [], "refunds": []}
        for step in BulkRunStep.objects.filter(run_id=run_id).order_by("id"):
            for part in report:
                report[part].extend(step.report.get(part, []))
        run.status, run.report, run.finished_at = status, report, timezone.now()
        if status != RunStatus.FAILED:
            run.done = run.total
        run.decided, run.skipped = len(report["decided"]), len(report["skipped"])
        run.refund_total = sum((Decimal(amount) for _, _, amount in report["refunds"]), Decimal("0.00"))
        run.save()
        BulkRunStep.objects.filter(run_id=run_id).delete()


# --- Stalls and recovery -----------------------------------------------------------------------


def bulk_run_is_stalled(run: BulkRun, *, now: datetime.datetime | None = None) -> bool:
    """Not finished, no case recorded for the stall timeout, its task not waiting in the queue."""
    return is_stalled(
        finished=run.finished, last_progress_at=run.last_progress_at, timeout=stall_timeout(),
        waiting=lambda: waiting_in_queue(run_bulk_action, run.task_id), now=now,
    )  # fmt: skip


@dataclass
class RunRecovery:
    requeued: list[str] = field(default_factory=list)  # run public ids queued again
    given_up: dict[str, int] = field(default_factory=dict)  # run public id -> items not reached
    waiting: list[str] = field(default_factory=list)  # no progress, but its task still waits: left alone

    def as_dict(self) -> dict[str, Any]:
        return {"requeued": self.requeued, "given_up": self.given_up, "waiting": self.waiting}


def recover_stale_runs(*, older_than: datetime.timedelta | None = None) -> RunRecovery:
    """Take up every unfinished run without progress for `older_than` (default the stall timeout)
    whose task is not waiting in the queue: queue it again, or, once the recovery attempts are
    spent, stop it with the items not reached listed as left alone. Safe to run from several
    places at once: each run is claimed by one conditional UPDATE."""
    cutoff = timezone.now() - (older_than if older_than is not None else stall_timeout())
    report = RunRecovery()
    stale = BulkRun.objects.filter(status__in=ACTIVE, last_progress_at__lt=cutoff).order_by("pk")
    for run in list(stale.only("pk", "public_id", "task_id")):
        if waiting_in_queue(run_bulk_action, run.task_id):
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
        logger.warning("bulk run stalled: %s (%s)", key, "given up" if given_up is not None else "requeued")
    return report


def _recover(run_id: int, cutoff: datetime.datetime) -> tuple[str, int | None] | None:
    """Claim one stale run and queue it again or give it up: (run public id, None when queued
    again or the number of items given up), or None when another recovery claimed it."""
    with transaction.atomic():
        claimed = BulkRun.objects.filter(pk=run_id, status__in=ACTIVE, last_progress_at__lt=cutoff).update(
            last_progress_at=timezone.now(), recoveries=F("recoveries") + 1, status=RunStatus.QUEUED
        )
        if not claimed:
            return None
        run = BulkRun.objects.select_for_update().get(pk=run_id)
        key = str(run.public_id)
        if run.recoveries <= recovery_attempts():
            transaction.on_commit(partial(_enqueue, run_id))
            audit_record(actor=None, action="bulk.run_recover", target=run, status="requeued", kind=run.action)
            return key, None
        lost = [pk for pk in run.item_ids if pk not in _handled(run_id)]
        with translation.override(run.language or None):
            why = _("Not reached: the worker running this was lost. Start a new run for what is left.")
            BulkRunStep.objects.create(run_id=run_id, report={"skipped": [[pk, why] for pk in lost]})
        audit_record(
            actor=None, action="bulk.run_recover", target=run, status="given_up", kind=run.action, errors=len(lost)
        )
        _finish(run_id, status=RunStatus.GAVE_UP, attempt=run.recoveries)
    return key, len(lost)


@task()
def recover_stale_runs_task() -> dict[str, Any]:
    """Take up stalled runs (same as `manage.py recover_bulk_runs`); schedule it every few
    minutes. Returns run ids and counts only."""
    return recover_stale_runs().as_dict()


# --- Progress and reports ------------------------------------------------------------------------


def bulk_run_progress(run: BulkRun) -> dict[str, Any]:
    """Status for polling (the same fields a packet batch's status has): counts only."""
    return {
        "id": str(run.public_id),
        "action": run.action,
        "status": run.status,
        "done": run.done,
        "total": run.total,
        "decided": run.decided,
        "skipped": run.skipped,
        "refund_total": str(run.refund_total.quantize(Decimal("0.01"))),
        "batch": run.batch,
        "stalled": bulk_run_is_stalled(run),
        "recoveries": run.recoveries,
        "created_at": run.created_at.isoformat(),
        "last_progress_at": run.last_progress_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


@dataclass
class RunReport:
    """A finished run's report with its records loaded (through the reader's scope): citations
    (a mass disposition), cases (an assignment), or (citation, outcome) pairs (hearing outcomes)
    decided; (record, why) left alone; refunds owed."""

    decided: list[Any] = field(default_factory=list)
    skipped: list[tuple[Any, str]] = field(default_factory=list)
    refunds: list[RefundOwed] = field(default_factory=list)


def bulk_run_report(run: BulkRun, *, user: User, limit: int) -> RunReport:
    """The first `limit` rows of each part of the report, in one query for the records."""
    stored = run.report or {}
    decided_rows = list(stored.get("decided", []))[:limit]
    skipped_rows = list(stored.get("skipped", []))[:limit]
    refund_rows = list(stored.get("refunds", []))[:limit]
    wanted = {_item_id(row) for row in decided_rows + skipped_rows + refund_rows}
    if run.action == BulkAction.ASSIGN:
        records: dict[int, Any] = {c.pk: c for c in case_list_visible_to(user=user).filter(pk__in=wanted)}
    else:
        records = {c.pk: c for c in citation_list_visible_to(user=user).filter(pk__in=wanted)}
    decided = [
        (records[row[0]], row[1]) if isinstance(row, list) else records[row]
        for row in decided_rows
        if _item_id(row) in records
    ]
    return RunReport(
        decided=decided,
        skipped=[(records[pk], why) for pk, why in skipped_rows if pk in records],
        refunds=[
            RefundOwed(citation=records[pk], payer=payer, amount=Decimal(amount))
            for pk, payer, amount in refund_rows
            if pk in records
        ],
    )
