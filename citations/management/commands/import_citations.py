"""Import citations from a jail-support CSV: `manage.py import_citations FILE --event EVENT`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.models import Event, User
from citations.imports import import_citations_csv
from citations.models import CitationKind


class Command(BaseCommand):
    help = (
        "Import citations (and the people and cases they belong to) from a CSV file into an event. "
        "All or nothing unless --partial; --dry-run only validates. Prints counts and row errors "
        "(never cell values)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="CSV file (UTF-8 with or without BOM, or Windows-1252).")
        parser.add_argument("--event", required=True, help="The event's public id or exact name.")
        parser.add_argument("--by", default="", help="Username recorded as the importer in the audit trail.")
        parser.add_argument("--kind", default=CitationKind.PHL_CVN, choices=CitationKind.values,
                            help="Kind of citation when the file has no 'kind' column.")  # fmt: skip
        parser.add_argument("--fine", default="0.00", help="Fine when the file has no 'fine' column.")
        parser.add_argument("--dry-run", action="store_true", help="Validate and count; write nothing.")
        parser.add_argument("--partial", action="store_true", help="Write the valid rows even if others fail.")

    def handle(self, *args: Any, file: str, event: str, by: str, kind: str, fine: str, **options: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        found = Event.objects.filter(name=event).first()
        if found is None:
            try:
                found = Event.objects.filter(public_id=event).first()
            except ValidationError:  # not a UUID
                found = None
        if found is None:
            raise CommandError("No event with that public id or name.")
        user = None
        if by:
            user = User.objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"No user {by!r}.")
        try:
            default_fine = Decimal(fine)
        except InvalidOperation:
            raise CommandError("--fine must be an amount such as 50.00") from None
        result = import_citations_csv(
            data=path.read_bytes(),
            by=user,
            event=found,
            atomic=not options["partial"],
            dry_run=options["dry_run"],
            kind=kind,
            default_fine=default_fine,
        )
        for error in result.errors:
            self.stderr.write(f"row {error['row']}, {error['column'] or 'file'}: {error['message']}")
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        summary = (
            f"{result.rows} rows: {result.created} created, {result.updated} updated, {result.skipped} unchanged, "
            f"{len(result.errors)} errors; {'written' if result.written else 'nothing written'}"
            f"{' (dry run)' if result.dry_run else ''}."
        )
        if result.errors and not options["partial"]:
            raise CommandError(summary)
        self.stdout.write(summary)
