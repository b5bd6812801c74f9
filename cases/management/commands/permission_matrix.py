"""Print the permission table as Markdown, or write it into docs/security.md between its markers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.permissions import matrix_markdown, with_matrix

DOCUMENT = Path(settings.BASE_DIR) / "docs" / "security.md"


class Command(BaseCommand):
    help = "Print the permission matrix (cases/permissions.py); --write updates docs/security.md, --check fails if it is behind."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="Rewrite the matrix in docs/security.md.")
        parser.add_argument("--check", action="store_true", help="Exit non-zero when docs/security.md is behind.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (options["write"] or options["check"]):
            self.stdout.write(matrix_markdown())
            return
        current = DOCUMENT.read_text(encoding="utf-8")
        try:
            wanted = with_matrix(current)
        except ValueError as exc:
            raise CommandError(f"{DOCUMENT}: {exc}") from None
        if options["check"]:
            if wanted != current:
                raise CommandError(
                    f"{DOCUMENT} is behind the permission table: run manage.py permission_matrix --write"
                )
            self.stdout.write("The permission matrix in docs/security.md is current.")
            return
        DOCUMENT.write_text(wanted, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote the permission matrix into {DOCUMENT}."))
