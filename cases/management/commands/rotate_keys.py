from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cases.audit import audit_record
from cases.keys import reencrypt_all
from core.crypto import keyring


class Command(BaseCommand):
    help = (
        "Re-encrypt every personal field under the newest key in FIELD_ENCRYPTION_KEYS. "
        "Put the new key first, keep the old ones until this has run, then remove them."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would be re-encrypted.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, dry_run: bool, batch_size: int, **options: Any) -> None:
        report = reencrypt_all(batch_size=batch_size, dry_run=dry_run)
        if not dry_run:
            audit_record(actor=None, action="keys.rotate", count=report.rows_resealed)
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        self.stdout.write(
            f"{verb} {report.values_resealed} values in {report.rows_resealed} rows under key {keyring().primary_id!r}"
        )
        for label, count in sorted(report.by_model.items()):
            self.stdout.write(f"  {label}: {count} rows")
