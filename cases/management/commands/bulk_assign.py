"""Assign many cases to one lawyer: a preview unless --confirm (then each case in its own
transaction), through cases.services.cases_assign_lawyer, on behalf of a coordinator or
administrator."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.access import case_list_visible_to
from cases.management.acting import acting_user
from cases.services import cases_assign_lawyer


class Command(BaseCommand):
    help = "Assign cases (by number) to one lawyer (preview unless --confirm)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--by", required=True, help="username of the coordinator or administrator acting")
        parser.add_argument("--lawyer", required=True, help="the lawyer's username")
        parser.add_argument("numbers", nargs="+", help="case numbers")
        parser.add_argument("--confirm", action="store_true", help="assign them (without it: a preview)")

    def handle(self, *args: Any, **options: Any) -> None:
        by = acting_user(options["by"], "cases.bulk_assign")
        lawyer = get_user_model()._default_manager.filter(username=options["lawyer"], is_active=True).first()
        if lawyer is None:
            raise CommandError(f"No active account {options['lawyer']!r}.")
        wanted = set(options["numbers"])
        cases = list(case_list_visible_to(user=by).filter(number__in=wanted))
        missing = wanted - {case.number for case in cases}
        if missing:
            raise CommandError(f"No such case: {', '.join(sorted(missing))}.")
        try:
            result = cases_assign_lawyer(cases=cases, lawyer=lawyer, by=by, preview=not options["confirm"])
        except ValidationError as exc:  # the account is not a lawyer
            raise CommandError(" ".join(exc.messages)) from None
        for case, why in result.skipped:
            self.stdout.write(f"skipped {case.number}: {why}")
        verb = "would be assigned" if result.preview else "assigned"
        self.stdout.write(
            f"{len(result.assigned)} cases {verb} to {lawyer.username}, {len(result.skipped)} skipped."
            + (" Preview only: run again with --confirm." if result.preview else f" Batch {result.batch}.")
        )
