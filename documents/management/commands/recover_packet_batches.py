"""Take up packet batches whose worker died (no progress for the stall timeout)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.stalls import add_older_than_argument, older_than_option
from documents.batches import recover_stale_batches, stall_timeout


class Command(BaseCommand):
    help = (
        "Re-enqueue the cases not yet done of packet batches without progress for the stall timeout "
        "(PACKET_BATCH_STALL_SECONDS); once the recovery attempts are spent, list them as failed and deliver "
        "the rest. Run every few minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_older_than_argument(parser, default=stall_timeout())

    def handle(self, *args: Any, older_than: int | None = None, **options: Any) -> None:
        report = recover_stale_batches(older_than=older_than_option(older_than))
        for batch, count in report.requeued.items():
            self.stdout.write(f"Batch {batch}: {count} case(s) enqueued again")
        for batch, count in report.given_up.items():
            self.stdout.write(f"Batch {batch}: {count} case(s) listed as failed, the rest delivered")
        for batch in report.finished:
            self.stdout.write(f"Batch {batch}: finished (every case was in)")
        for batch in report.waiting:
            self.stdout.write(f"Batch {batch}: still waiting in the task queue, left alone")
        total = len(report.requeued) + len(report.given_up) + len(report.finished)
        self.stdout.write(self.style.SUCCESS(f"{total} stalled batch(es) taken up."))
