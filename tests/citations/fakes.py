"""A finished background mass disposition, for tests that need one to exist (route matrices)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from cases.models import Event
from cases.types import User
from citations.models import CitationKind, Disposition, DispositionRun, RunStatus


def make_disposition_run(*, event: Event, by: User) -> DispositionRun:
    return DispositionRun.objects.create(
        event=event, kind=CitationKind.PA_SUMMARY, disposition=Disposition.WITHDRAWN,
        decided_on=datetime.date(2026, 6, 9), requested_by=by, status=RunStatus.DONE,
        report={"decided": [], "skipped": [], "refunds": []}, finished_at=timezone.now(),
    )  # fmt: skip
