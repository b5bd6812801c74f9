"""Recompute every citation's deadlines (or those of one kind) after an upgrade changed how the
rules are chosen: since Pa.R.Crim.P. 1002 governs statewide-track summary citations issued in
Philadelphia, their 10-day answer (and its warrant risk) is cancelled and the notice-to-appear
rules apply. Run once after deploying: `manage.py recompute_deadlines --kind pa_summary`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cases.management.acting import acting_user
from cases.types import User
from citations.models import CitationKind
from citations.services import citation_deadlines_recompute


class Command(BaseCommand):
    help = "Recompute the deadlines of every citation (or of one kind: --kind pa_summary)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kind", default="", choices=CitationKind.values, help="Only citations of this kind (e.g. pa_summary)."
        )
        parser.add_argument(
            "--by", default="", help="Username recorded in the audit trail: an active coordinator or administrator."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Those who may change the court calendar, whose changes recompute deadlines too.
        by: User | None = acting_user(options["by"], "deadlines.calendar") if options["by"] else None
        created, updated = citation_deadlines_recompute(by=by, kind=options["kind"])
        self.stdout.write(f"{created} deadlines created, {updated} updated or cancelled.")
