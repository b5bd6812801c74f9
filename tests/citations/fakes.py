"""Finished background bulk runs, for tests that need one to exist (route matrices)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from cases.models import Event
from cases.types import User
from citations.models import BulkAction, BulkRun, CitationKind, Disposition, RunStatus


def make_disposition_run(*, event: Event, by: User) -> BulkRun:
    return BulkRun.objects.create(
        event=event, kind=CitationKind.PA_SUMMARY, disposition=Disposition.WITHDRAWN,
        decided_on=datetime.date(2026, 6, 9), requested_by=by, status=RunStatus.DONE,
        report={"decided": [], "skipped": [], "refunds": []}, finished_at=timezone.now(),
    )  # fmt: skip


def make_bulk_run(*, action: str, by: User) -> BulkRun:
    """A finished assignment or courtroom-outcomes run asked for by `by`, with nothing in it."""
    return BulkRun.objects.create(
        action=action, decided_on=datetime.date(2026, 6, 9) if action == BulkAction.HEARING_OUTCOMES else None,
        requested_by=by, status=RunStatus.DONE, report={"decided": [], "skipped": []}, finished_at=timezone.now(),
    )  # fmt: skip
