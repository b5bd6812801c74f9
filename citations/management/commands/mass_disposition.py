"""Waive or withdraw every citation of a kind issued at an event between two days: a preview
unless --confirm (then each case is decided in its own transaction), through
citations.services.citation_mass_disposition, on behalf of a coordinator or administrator."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cases.access import event_list_visible_to
from cases.management.acting import acting_user
from citations.models import CitationKind, Disposition
from citations.selectors import citations_for_mass_disposition
from citations.services import citation_mass_disposition


class Command(BaseCommand):
    help = "Waive or withdraw an event's citations of one kind issued between two days (preview unless --confirm)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--by", required=True, help="username of the coordinator or administrator acting")
        parser.add_argument("--event", required=True, help="the event's id (UUID)")
        parser.add_argument("--kind", required=True, choices=CitationKind.values)
        parser.add_argument("--from", dest="issued_from", required=True, type=datetime.date.fromisoformat)
        parser.add_argument("--to", dest="issued_to", required=True, type=datetime.date.fromisoformat)
        parser.add_argument("--disposition", required=True, choices=[Disposition.WAIVED, Disposition.WITHDRAWN])
        parser.add_argument("--decided-on", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--confirm", action="store_true", help="decide them (without it: a preview)")

    def handle(self, *args: Any, **options: Any) -> None:
        by = acting_user(options["by"], "citations.mass_disposition")
        event = event_list_visible_to(user=by).filter(public_id=options["event"]).first()
        if event is None:
            raise CommandError("No such event.")
        chosen = citations_for_mass_disposition(
            user=by, event=event, kind=options["kind"], issued_from=options["issued_from"],
            issued_to=options["issued_to"],
        )  # fmt: skip
        result = citation_mass_disposition(
            citations=chosen, disposition=options["disposition"],
            decided_on=options["decided_on"] or timezone.localdate(), by=by, preview=not options["confirm"],
        )  # fmt: skip
        for citation, why in result.skipped:
            self.stdout.write(f"skipped {citation.case.number} {citation.number}: {why}")
        for refund in result.refunds:
            self.stdout.write(f"refund owed {refund.citation.number}: ${refund.amount} to {refund.payer}")
        verb = "would be decided" if result.preview else "decided"
        self.stdout.write(
            f"{len(result.decided)} citations {verb} as {result.disposition}, {len(result.skipped)} skipped, "
            f"refunds owed ${result.refund_total}."
            + (" Preview only: run again with --confirm." if result.preview else f" Batch {result.batch}.")
        )
