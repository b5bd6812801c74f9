"""Recompute every citation's deadlines (or those of one kind) after an upgrade changed how the
rules are chosen: since Pa.R.Crim.P. 1002 governs statewide-track summary citations issued in
Philadelphia, their 10-day answer (and its warrant risk) is cancelled and the notice-to-appear
rules apply. Run once after deploying: `manage.py recompute_deadlines --kind pa_summary`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import User
from citations.services import citation_deadlines_recompute


class Command(BaseCommand):
    help = "Recompute the deadlines of every citation (or of one kind: --kind pa_summary)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", default="", help="Only citations of this kind (e.g. pa_summary).")
        parser.add_argument("--by", default="", help="Username recorded in the audit trail.")

    def handle(self, *args: Any, **options: Any) -> None:
        by: User | None = None
        if options["by"]:
            by = User.objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"No user named {options['by']!r}.")
        created, updated = citation_deadlines_recompute(by=by, kind=options["kind"])
        self.stdout.write(f"{created} deadlines created, {updated} updated or cancelled.")
