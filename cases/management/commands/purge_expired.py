"""Purge the personal data of every case past its retention date that is not on hold."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cases.retention import purge_expired


class Command(BaseCommand):
    help = (
        "Irreversibly remove the personal data of closed cases past their retention date, except cases on "
        "hold (open appeal window or civil-claim deadline). Run daily. --dry-run lists what would go."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would be purged; change nothing.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        report = purge_expired(dry_run=dry_run)
        verb = "Would purge" if dry_run else "Purged"
        for number in report.purged:
            self.stdout.write(f"{verb} case {number}")
        for number, reasons in report.held.items():
            self.stdout.write(f"On hold: case {number} ({'; '.join(reasons)})")
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {len(report.purged)} case(s); {len(report.held)} on hold; "
                f"{report.files_deleted} file(s) deleted; {report.orphans_deleted} orphan file(s) swept."
            )
        )
