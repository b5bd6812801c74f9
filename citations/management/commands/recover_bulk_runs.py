"""Take up bulk runs (mass dispositions, assignments, courtroom outcomes) whose worker died (no
progress for the stall timeout)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from citations.runs import recover_stale_runs, stall_timeout
from core.stalls import add_older_than_argument, older_than_option


class Command(BaseCommand):
    help = (
        "Queue again the bulk runs (mass dispositions, lawyer assignments, courtroom outcomes) without progress "
        "for the stall timeout (BULK_RUN_STALL_SECONDS) whose task is not waiting in the queue; the items already "
        "handled are not handled twice. Once the recovery attempts are spent, stop the run with what was not "
        "reached listed. Run every few minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_older_than_argument(parser, default=stall_timeout())

    def handle(self, *args: Any, older_than: int | None = None, **options: Any) -> None:
        report = recover_stale_runs(older_than=older_than_option(older_than))
        for run in report.requeued:
            self.stdout.write(f"Run {run}: queued again")
        for run, count in report.given_up.items():
            self.stdout.write(f"Run {run}: stopped, {count} item(s) not reached listed as left alone")
        for run in report.waiting:
            self.stdout.write(f"Run {run}: still waiting in the task queue, left alone")
        self.stdout.write(self.style.SUCCESS(f"{len(report.requeued) + len(report.given_up)} stalled run(s) taken up."))
