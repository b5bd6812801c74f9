"""Merge two records of one person, undo a merge, mark a pair as different people (or undo that),
or list the likely duplicates (by public id: no name is printed or taken on the command line)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import Demonstrator
from custody.models import DuplicateDismissal, PersonMerge
from custody.selectors.duplicates import likely_duplicate_pairs, unmerged
from custody.services.merge import duplicate_dismiss, duplicate_dismissal_undo, person_merge, person_merge_undo


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise CommandError(f"Not an id: {value!r}") from None


class Command(BaseCommand):
    help = (
        "Merge the person SOURCE into TARGET (public ids; SOURCE's cases, citations, arrests and the rest move to "
        "TARGET), undo a merge with --undo MERGE_ID, mark SOURCE and TARGET as different people with --different "
        "(undo with --undo-different ID), or list likely duplicate pairs with --list."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", nargs="?", help="public id of the record merged away")
        parser.add_argument("target", nargs="?", help="public id of the record kept")
        parser.add_argument("--undo", metavar="MERGE_ID", help="public id of a merge to undo")
        parser.add_argument("--list", action="store_true", help="list likely duplicate pairs (ids and reasons)")
        parser.add_argument(
            "--different",
            action="store_true",
            help="the two records are different people: drop the pair from the queue",
        )
        parser.add_argument("--undo-different", metavar="ID", help="public id of a 'different people' mark to undo")

    def handle(self, *args: Any, source: str | None, target: str | None, undo: str | None, **options: Any) -> None:
        try:
            if options["list"]:
                self._list()
            elif undo:
                merge = PersonMerge.objects.filter(public_id=_uuid(undo)).first()
                if merge is None:
                    raise CommandError("No such merge.")
                person_merge_undo(merge=merge, by=None)
                self.stdout.write(self.style.SUCCESS(f"Merge {merge.public_id} undone."))
            elif options["undo_different"]:
                dismissal = DuplicateDismissal.objects.filter(public_id=_uuid(options["undo_different"])).first()
                if dismissal is None:
                    raise CommandError("No such mark.")
                duplicate_dismissal_undo(dismissal=dismissal, by=None)
                self.stdout.write(
                    self.style.SUCCESS(f"Mark {dismissal.public_id} undone: the pair may be listed again.")
                )
            elif source and target:
                people = {
                    p.public_id: p for p in Demonstrator.objects.filter(public_id__in=[_uuid(source), _uuid(target)])
                }
                if len(people) != 2:
                    raise CommandError("Give two different existing people.")
                if options["different"]:
                    dismissal = duplicate_dismiss(first=people[_uuid(source)], second=people[_uuid(target)], by=None)
                    self.stdout.write(
                        self.style.SUCCESS(
                            f"{source} and {target} marked as different people. "
                            f"Undo with --undo-different {dismissal.public_id}."
                        )
                    )
                    return
                merge = person_merge(source=people[_uuid(source)], target=people[_uuid(target)], by=None)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Merged {source} into {target}: {len(merge.moved['cases'])} case(s) moved, "
                        f"{len(merge.moved['folded'])} folded. Undo with --undo {merge.public_id} "
                        f"until {merge.undo_until:%Y-%m-%d}."
                    )
                )
            else:
                raise CommandError("Give SOURCE and TARGET, --undo MERGE_ID, or --list.")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None

    def _list(self) -> None:
        # An operator on the server sees every record, as an administrator would.
        pairs = likely_duplicate_pairs(people=unmerged(Demonstrator.objects.all()), limit=500)
        for pair in pairs:
            self.stdout.write(f"{pair.first.public_id} {pair.second.public_id} {','.join(pair.reasons)}")
        self.stdout.write(f"{len(pairs)} likely duplicate pair(s).")
