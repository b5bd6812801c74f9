"""Recompute the audit trail's hash chain; exit non-zero if any entry was altered or removed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain (exit status 1 and the first bad entry when broken)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            where = f" at entry id {result.entry_id}" if result.entry_id is not None else ""
            raise CommandError(
                f"AUDIT TRAIL BROKEN{where}: {result.problem} ({result.checked} entries verified before it). "
                "Treat this as a security incident: preserve the database and a copy of this output."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {result.checked} entries verified."))
