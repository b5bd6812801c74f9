"""Take up mass-disposition runs whose worker died (no progress for the stall timeout)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from citations.runs import recover_stale_runs, stall_timeout


class Command(BaseCommand):
    help = (
        "Queue again the mass-disposition runs without progress for the stall timeout (BULK_RUN_STALL_SECONDS) "
        "whose task is not waiting in the queue; the citations already handled are not handled twice. Once the "
        "recovery attempts are spent, stop the run with what was not reached listed. Run every few minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="MINUTES",
            help=f"Stalled after this many minutes without progress (default {int(stall_timeout().total_seconds() // 60)}).",
        )

    def handle(self, *args: Any, older_than: int | None = None, **options: Any) -> None:
        if older_than is not None and older_than < 1:
            raise CommandError("--older-than is at least 1 minute.")
        report = recover_stale_runs(older_than=datetime.timedelta(minutes=older_than) if older_than else None)
        for run in report.requeued:
            self.stdout.write(f"Run {run}: queued again")
        for run, count in report.given_up.items():
            self.stdout.write(f"Run {run}: stopped, {count} citation(s) not reached listed as left alone")
        for run in report.waiting:
            self.stdout.write(f"Run {run}: still waiting in the task queue, left alone")
        self.stdout.write(self.style.SUCCESS(f"{len(report.requeued) + len(report.given_up)} stalled run(s) taken up."))
