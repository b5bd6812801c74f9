"""Who may already be registered: the intake desk's suggestions while typing, and the merge queue.

Two ways a record matches, and nothing else is kept to find people:
- exactly, anywhere: the keyed blind indexes of `Demonstrator` (legal or preferred name, phone,
  e-mail, legal name with birth date; `core.crypto.blind_index`, normalised the same way);
- by a close spelling, within one event only: that event's people are decrypted in memory, their
  names compared with the typed one (rapidfuzz), and dropped. No plaintext, phonetic or partial
  index is ever stored: such an index would be a list of names in the database.

Scoped through `cases.access.demonstrator_list_visible_to`; reading the names is the caller's
audited read (the views record it).
"""

from __future__ import annotations

import datetime
import heapq
import itertools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy
from django.db.models import Count, Min, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from rapidfuzz import fuzz, process, utils

from cases.access import demonstrator_list_visible_to
from cases.fields import blind_index_fields
from cases.models import Case, Demonstrator, Event
from cases.types import AnyUser
from core import crypto
from core.crypto import normalise_text
from custody.models import DuplicateDismissal, PersonMerge

# How close a spelling must be (rapidfuzz's 0..100 scale, token-order-insensitive): "Jon Smith"
# and "John Smith" score 95, "Maria Lopez" and "María López" 100 (accents dropped), "Ann Lee" and
# "Dan Levy" 62.
CLOSE_SPELLING_CUTOFF = 85.0
SUGGESTIONS_MAX = 8

EXACT = {
    "legal_name_index": "name",
    "preferred_name_index": "name",
    "phone_index": "phone",
    "email_index": "email",
    "name_dob_index": "name_and_birth_date",
}


@dataclass
class Suggestion:
    person: Demonstrator
    reasons: list[str] = field(default_factory=list)  # "name", "phone", "email", ..., "close_spelling"
    score: float = 0.0  # 100 for an exact match; the spelling's closeness otherwise
    cases: list[Case] = field(default_factory=list)


@dataclass(frozen=True)
class Typed:
    """What the desk has typed so far."""

    legal_name: str = ""
    preferred_name: str = ""
    phone: str = ""
    email: str = ""
    date_of_birth: datetime.date | None = None

    @property
    def names(self) -> list[str]:
        return [name for name in (self.legal_name, self.preferred_name) if normalise_text(name)]


def _index_values(typed: Typed) -> dict[str, set[str]]:
    """The blind-index values to look for, per index column."""
    index = {f.name: f for f in blind_index_fields(Demonstrator)}
    wanted: dict[str, set[str]] = {name: set() for name in EXACT}
    for name in typed.names:
        wanted["legal_name_index"].add(index["legal_name_index"].index_for(name))
        wanted["preferred_name_index"].add(index["preferred_name_index"].index_for(name))
        if typed.date_of_birth:
            wanted["name_dob_index"].add(index["name_dob_index"].index_for(name, typed.date_of_birth))
    wanted["phone_index"].add(index["phone_index"].index_for(typed.phone))
    wanted["email_index"].add(index["email_index"].index_for(typed.email))
    return {column: {v for v in values if v} for column, values in wanted.items() if any(values)}


def _exact(people: QuerySet[Demonstrator], typed: Typed, limit: int) -> list[Suggestion]:
    wanted = _index_values(typed)
    if not wanted:
        return []
    condition = Q()
    for column, values in wanted.items():
        condition |= Q(**{f"{column}__in": values})
    found = []
    for person in people.filter(condition).order_by("-id")[: limit * 2]:
        reasons = sorted({EXACT[column] for column, values in wanted.items() if getattr(person, column) in values})
        found.append(Suggestion(person=person, reasons=reasons, score=100.0))
    return found


def comparable(name: str) -> str:
    """A name as compared: lower case, accents and punctuation dropped, words in order (so
    "Lopez, Maria" and "María López" compare equal). In memory only, never stored."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return " ".join(sorted(utils.default_process(folded).split()))


def names_of(people: QuerySet[Demonstrator], *, per_event: bool = False, also: tuple[str, ...] = ()) -> list[Any]:
    """(id, legal name, preferred name) of `people`, decrypted here in one pass: the ciphertext is
    read as plain text (a cast, so the field's per-value decryption is skipped) and opened with one
    keyring. Thousands of names per keystroke are read this way; nothing is kept afterwards. With
    `per_event` (people already filtered through their cases), (event id, id, legal, preferred);
    columns named in `also` come first, as read."""
    legal = Demonstrator._meta.get_field("legal_name")
    preferred = Demonstrator._meta.get_field("preferred_name")
    ring = crypto.keyring()
    columns = [*also, "cases__event_id"] if per_event else [*also]
    rows = (
        people.annotate(
            sealed_legal=Cast("legal_name", TextField()), sealed_preferred=Cast("preferred_name", TextField())
        )
        .values_list(*columns, "pk", "sealed_legal", "sealed_preferred")
        .distinct()
    )
    return [
        (
            *row[:-2],
            ring.decrypt(row[-2], context=legal.crypto_context) if row[-2] else "",
            ring.decrypt(row[-1], context=preferred.crypto_context) if row[-1] else "",
        )
        for row in rows
    ]


def close_spellings(
    names: Iterable[str], candidates: Iterable[tuple[int, str, str]], *, cutoff: float = CLOSE_SPELLING_CUTOFF
) -> dict[int, float]:
    """Per candidate id (id, legal name, preferred name), the best closeness of any of `names` to
    either of its names, for those at or above `cutoff`. Compared in memory only."""
    ids: list[int] = []
    choices: list[str] = []
    for pk, legal, preferred in candidates:
        for name in (legal, preferred):
            if name:
                ids.append(pk)
                choices.append(comparable(name))
    best: dict[int, float] = {}
    for name in names:
        for _choice, score, position in process.extract(
            comparable(name), choices, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=None
        ):
            pk = ids[position]
            best[pk] = max(best.get(pk, 0.0), float(score))
    return best


def _blocking_keys(name: str) -> set[str]:
    """The blocks a compared name falls in: each word's first three and last three letters. Two
    names 85 or closer almost always share one (a typo rarely reaches both ends of every word),
    so only names sharing a block are compared: thousands of names in tens of milliseconds
    instead of every pair (docs/performance.md, "Merge queue")."""
    keys: set[str] = set()
    for word in name.split():
        keys.add("<" + word[:3])
        keys.add(">" + word[-3:])
    return keys


def close_pairs(
    candidates: Iterable[tuple[int, str, str]], *, cutoff: float = CLOSE_SPELLING_CUTOFF
) -> dict[tuple[int, int], float]:
    """Pairs of distinct candidates (lower id first) with close names, and their closeness, in
    memory only. Identical spellings pair at once (100); the others are compared (rapidfuzz's
    cdist) within each block of `_blocking_keys`, never every name with every other."""
    spellings: dict[str, set[int]] = {}
    for pk, legal, preferred in candidates:
        for name in (legal, preferred):
            if name and len(normalise_text(name)) >= 3:
                spellings.setdefault(comparable(name), set()).add(pk)
    pairs: dict[tuple[int, int], float] = {}

    def pair_up(these: set[int], those: set[int], score: float) -> None:
        for a in these:
            for b in those:
                if a != b:
                    key = (a, b) if a < b else (b, a)
                    pairs[key] = max(pairs.get(key, 0.0), score)

    distinct = list(spellings)
    blocks: dict[str, list[int]] = {}
    for position, name in enumerate(distinct):
        pair_up(spellings[name], spellings[name], 100.0)
        for key in _blocking_keys(name):
            blocks.setdefault(key, []).append(position)
    compared: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        names = [distinct[position] for position in members]
        scores = process.cdist(names, names, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, dtype=numpy.uint8)
        rows, columns = numpy.nonzero(scores)
        for i, j in zip(rows.tolist(), columns.tolist(), strict=True):
            a, b = members[i], members[j]
            if a < b and (a, b) not in compared:
                compared.add((a, b))
                pair_up(spellings[distinct[a]], spellings[distinct[b]], float(scores[i, j]))
    return pairs


def names_by_event(
    people: QuerySet[Demonstrator], event: Event | None, *, indexes: dict[int, tuple[str, ...]] | None = None
) -> dict[int, list[tuple[int, str, str]]]:
    """`names_of` for the people of `event`, or of every event at once (one query whatever the
    number of events), grouped by event id. With `indexes`, each person's blind-index values
    (`EXACT`'s columns, in order) are put there too, from the same query."""
    in_events = people.filter(cases__event=event) if event is not None else people.filter(cases__isnull=False)
    also = tuple(EXACT) if indexes is not None else ()
    grouped: dict[int, list[tuple[int, str, str]]] = {}
    for row in names_of(in_events, per_event=True, also=also):
        event_id, pk, legal, preferred = row[len(also) :]
        if indexes is not None:
            indexes[pk] = tuple(row[: len(also)])
        grouped.setdefault(event_id, []).append((pk, legal, preferred))
    return grouped


def _close(people: QuerySet[Demonstrator], typed: Typed, event: Event) -> dict[int, float]:
    names = [name for name in typed.names if len(normalise_text(name)) >= 3]
    if not names:
        return {}
    # Only the two name columns of this event's people are read (and decrypted) here.
    return close_spellings(names, names_of(people.filter(cases__event=event)))


def unmerged(people: QuerySet[Demonstrator]) -> QuerySet[Demonstrator]:
    """`people` without purged records and records merged into another (while the merge stands)."""
    merged_away = PersonMerge.objects.filter(undone_at__isnull=True).values("source")
    return people.filter(purged_at__isnull=True).exclude(pk__in=merged_away)


def people_in_play(*, user: AnyUser) -> QuerySet[Demonstrator]:
    """The people `user` may see, without purged records and records merged into another."""
    return unmerged(demonstrator_list_visible_to(user=user))


def duplicate_suggestions(
    *, user: AnyUser, typed: Typed, event: Event | None = None, limit: int = SUGGESTIONS_MAX
) -> list[Suggestion]:
    """People who may be the one being typed: exact blind-index matches anywhere, then close
    spellings of the name among `event`'s people; best first, at most `limit`, each with its
    cases (number and event) so the desk can tell them apart."""
    people = people_in_play(user=user)
    by_id: dict[int, Suggestion] = {s.person.pk: s for s in _exact(people, typed, limit)}
    close = _close(people, typed, event) if event is not None else {}
    missing = [pk for pk in close if pk not in by_id]
    if missing:
        for person in people.filter(pk__in=missing):
            by_id[person.pk] = Suggestion(person=person, reasons=[], score=0.0)
    for pk, score in close.items():
        suggestion = by_id[pk]
        if "name" not in suggestion.reasons:
            suggestion.reasons.append("close_spelling")
            suggestion.score = max(suggestion.score, score)
    ranked = sorted(by_id.values(), key=lambda s: (-s.score, -len(s.reasons), -s.person.pk))
    ranked = ranked[:limit]
    if ranked:
        cases = (
            Case.objects.filter(demonstrator__in=[s.person.pk for s in ranked])
            .select_related("event")
            .only("number", "public_id", "demonstrator_id", "event__name", "event__public_id", "status")
            .order_by("-opened_on", "-id")
        )
        per_person: dict[int, list[Case]] = {}
        for case in cases:
            per_person.setdefault(case.demonstrator_id, []).append(case)
        for suggestion in ranked:
            suggestion.cases = per_person.get(suggestion.person.pk, [])
    return ranked


@dataclass
class LikelyPair:
    """Two records that may be one person, and why."""

    first: Demonstrator
    second: Demonstrator
    reasons: list[str]
    score: float


def _exact_candidates(
    people: QuerySet[Demonstrator], need: int
) -> tuple[set[tuple[int, int]], dict[int, tuple[str, ...]]]:
    """Pairs sharing a blind index, found in SQL: per index, the first `need` groups of records
    sharing a value (GROUP BY ... HAVING COUNT(*) > 1, in the order of their lowest id), each
    expanded into at most its `need` first pairs. One query per index; the records' five index
    values come with them, so every reason of a pair is known without another query. However many
    namesakes the data holds, a page reads and pairs a bounded number of records."""
    pairs: set[tuple[int, int]] = set()
    indexes: dict[int, tuple[str, ...]] = {}
    for column in EXACT:
        shared = (
            people.exclude(**{column: ""})
            .values(column)
            .annotate(n=Count("id"), lowest=Min("id"))
            .filter(n__gt=1)
            .order_by("lowest", column)
            .values_list(column, flat=True)[:need]
        )
        groups: dict[str, list[int]] = {}
        for pk, *values in people.filter(**{f"{column}__in": shared}).values_list("pk", *EXACT):
            indexes[pk] = tuple(values)
            groups.setdefault(values[list(EXACT).index(column)], []).append(pk)
        for ids in groups.values():
            pairs.update(itertools.islice(itertools.combinations(sorted(ids), 2), need))
    return pairs, indexes


def likely_duplicate_pairs(
    *, people: QuerySet[Demonstrator], event: Event | None = None, limit: int = 200, offset: int = 0
) -> list[LikelyPair]:
    """The merge queue, `limit` pairs from `offset` (its pages): pairs sharing a blind index
    (name, phone, e-mail, name with birth date) anywhere, and pairs with close spellings within
    `event` (or within each event with people, when none is given), among `people`
    (`people_in_play(user=...)` for a person; `unmerged(...)` of every record for an operator's
    command). Lowest ids first in each pair; best pairs first (more reasons, then closer, then
    lowest ids). Pairs a coordinator marked as different people (`DuplicateDismissal`) are left
    out. A fixed number of queries whatever the number of events or of namesakes: the
    dismissals, one per blind index, one for the events' names, one for the records paired.

    Bounded at every step (docs/performance.md, "Merge queue at the load-data scale"): the exact
    pairs come from the first groups of each index only (`_exact_candidates`), enough to fill the
    page past every dismissed pair; the close spellings of an event are kept only as far as the
    page needs; pairs are ranked on ids; only the records of the pairs shown are read (and
    decrypted). The chosen event's pairs are ranked exactly; a pair elsewhere sharing two indexes
    is reached with the first of its groups, so a later page can hold one ranked above the
    earlier page's last pairs."""
    dismissed = set(DuplicateDismissal.objects.filter(undone_at__isnull=True).values_list("first_id", "second_id"))
    need = offset + limit + len(dismissed)
    exact_pairs, indexes = _exact_candidates(people, need)
    close: dict[tuple[int, int], float] = {}
    for names in names_by_event(people, event, indexes=indexes).values():
        for key, score in close_pairs(names).items():
            close[key] = max(close.get(key, 0.0), score)
    bits = range(len(EXACT))

    def flags_of(key: tuple[int, int]) -> int:
        first, second = indexes.get(key[0]), indexes.get(key[1])
        if first is None or second is None:
            return 0
        return sum(1 << bit for bit in bits if first[bit] and first[bit] == second[bit])

    # An event's people come with their index values: a close pair's shared indexes are known.
    # Those sharing none rank after every one that does: only the best `need` can be shown.
    candidates: set[tuple[int, int]] = (set(close) | exact_pairs) - dismissed
    flags = {key: flags_of(key) for key in candidates}
    only_close = [key for key, found in flags.items() if not found]

    def closeness(key: tuple[int, int]) -> tuple[float, tuple[int, int]]:
        return (-close[key], key)

    kept = set(heapq.nsmallest(need, only_close, key=closeness))
    for key in set(only_close) - kept:
        del flags[key]
    labels = list(EXACT.values())
    # The reasons each set of bits stands for (both name indexes are one reason, "name").
    named = [list(dict.fromkeys(label for bit, label in enumerate(labels) if found >> bit & 1))
             for found in range(1 << len(labels))]  # fmt: skip

    def why(key: tuple[int, int]) -> list[str]:
        return named[flags[key]] + (["close_spelling"] if key in close else [])

    def rank(key: tuple[int, int]) -> tuple[int, float, tuple[int, int]]:
        found = flags[key]
        return (-len(named[found]) - (key in close), -100.0 if found else -close[key], key)

    best = heapq.nsmallest(offset + limit, flags, key=rank)[offset:]
    records = {p.pk: p for p in people.filter(pk__in={pk for key in best for pk in key})}
    return [
        LikelyPair(first=records[a], second=records[b], reasons=why((a, b)), score=-rank((a, b))[1])
        for a, b in best
        if a in records and b in records
    ]


def merges_undoable(*, user: AnyUser) -> QuerySet[PersonMerge]:
    """Merges not yet undone whose window is still open, of records `user` may see; newest first."""
    visible = demonstrator_list_visible_to(user=user)
    return (
        PersonMerge.objects.filter(undone_at__isnull=True, undo_until__gte=timezone.now(), target__in=visible)
        .select_related("source", "target", "merged_by")
        .order_by("-merged_at", "-id")
    )


def dismissals_undoable(*, user: AnyUser) -> QuerySet[DuplicateDismissal]:
    """Standing "not the same person" answers about records `user` may see (both of them); newest
    first."""
    visible = demonstrator_list_visible_to(user=user)
    return (
        DuplicateDismissal.objects.filter(undone_at__isnull=True, first__in=visible, second__in=visible)
        .select_related("first", "second", "dismissed_by")
        .order_by("-dismissed_at", "-id")
    )
