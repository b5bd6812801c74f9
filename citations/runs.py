"""A confirmed mass disposition runs in the background, so that a large one (hundreds of notices,
tens of seconds) never holds the request: `disposition_run_start` fixes the citations (from the
requester's scope) in a DispositionRun and queues `run_mass_disposition` (its id only) on commit;
the task calls the one service, `citation_mass_disposition`, which decides case by case in its own
transactions, recording progress after each case, then stores the report (citation ids, reasons,
refunds owed: no names). The pages and the API poll `disposition_run_progress`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from cases.models import Event
from cases.types import User
from citations.access import citation_list_visible_to
from citations.models import Citation, DispositionRun, RunStatus
from citations.selectors import RefundOwed, citations_for_mass_disposition
from citations.services import citation_mass_disposition


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
            language=translation.get_language() or "", citation_ids=ids, total=len(ids),
        )  # fmt: skip
        transaction.on_commit(partial(run_mass_disposition.enqueue, run.pk))
    return run


@task()
def run_mass_disposition(run_id: int) -> None:
    """The worker's side of a run (ids only in the arguments)."""
    disposition_run_execute(run_id=run_id)


def disposition_run_execute(*, run_id: int) -> None:
    """Decide the run's citations, recording progress after each case, then store the report.
    A run already started is left alone (a task delivered twice must not decide twice)."""
    if not DispositionRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    ):
        return
    run = DispositionRun.objects.select_related("requested_by").get(pk=run_id)
    by = run.requested_by

    def record(handled: int) -> None:
        DispositionRun.objects.filter(pk=run_id).update(done=handled)

    try:
        with translation.override(run.language or None):
            result = citation_mass_disposition(
                citations=Citation.objects.filter(pk__in=run.citation_ids), disposition=run.disposition,
                decided_on=run.decided_on, by=by, progress=record,
            )  # fmt: skip
            report: dict[str, Any] = {
                "decided": [c.pk for c in result.decided],
                "skipped": [[c.pk, str(why)] for c, why in result.skipped],
                "refunds": [[r.citation.pk, r.payer, str(r.amount)] for r in result.refunds],
            }
    except Exception:
        DispositionRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, finished_at=timezone.now())
        raise
    DispositionRun.objects.filter(pk=run_id).update(
        status=RunStatus.DONE, done=run.total, decided=len(result.decided), skipped=len(result.skipped),
        refund_total=result.refund_total, report=report, batch=result.batch, finished_at=timezone.now(),
    )  # fmt: skip


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
        "created_at": run.created_at.isoformat(),
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
