"""Record the outcomes of a day's hearing list (one per citation, NUMBER=DECISION): a preview
unless --confirm (then each case in its own transaction), through
citations.services.citation_hearing_outcomes, on behalf of the account named by --by (a lawyer
reaches only their clients' hearings)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.management.acting import acting_user
from citations.selectors import hearing_docket
from citations.services import citation_hearing_outcomes


class Command(BaseCommand):
    help = "Record hearing outcomes for a date's list, e.g. MC-1=not_guilty MC-2=dismissed (preview unless --confirm)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--by", required=True, help="username of the lawyer, coordinator or administrator")
        parser.add_argument("--date", required=True, type=datetime.date.fromisoformat)
        parser.add_argument("--courtroom", default="")
        parser.add_argument("outcomes", nargs="+", help="CITATION_NUMBER=decision (dismissed, not_guilty, ...)")
        parser.add_argument("--confirm", action="store_true", help="record them (without it: a preview)")

    def handle(self, *args: Any, **options: Any) -> None:
        by = acting_user(options["by"], "citations.hearing_outcomes")
        entries = hearing_docket(user=by, date=options["date"], courtroom=options["courtroom"] or None)
        on_the_list = {c.number: c for entry in entries for c in entry.citations}
        pairs = []
        for item in options["outcomes"]:
            number, _sep, decision = item.partition("=")
            if number not in on_the_list or not decision:
                raise CommandError(f"{item!r}: give NUMBER=decision for a citation heard that day.")
            pairs.append((on_the_list[number], decision))
        result = citation_hearing_outcomes(
            outcomes=pairs, decided_on=options["date"], by=by, preview=not options["confirm"]
        )
        for citation, why in result.skipped:
            self.stdout.write(f"refused {citation.number}: {why}")
        verb = "would be recorded" if result.preview else "recorded"
        self.stdout.write(
            f"{len(result.decided)} outcomes {verb}, {len(result.skipped)} refused."
            + (" Preview only: run again with --confirm." if result.preview else f" Batch {result.batch}.")
        )
