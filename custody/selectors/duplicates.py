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
import math
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import numpy
import numpy.typing
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
# Up to this many people sharing an index are compared pair by pair (1,225 pairs at most).
PAIR_BY_PAIR_MAX = 50
# Blocks of at most this many spellings are compared pair by pair, all in one call; bigger ones
# name by name (rapidfuzz's cdist, many comparisons at once), a slice of BLOCK_SLICE at a time.
SMALL_BLOCK = 24
BLOCK_SLICE = 500

Positions = numpy.typing.NDArray[numpy.intp]
Scores = numpy.typing.NDArray[numpy.uint8]

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


def _closest_first(item: tuple[tuple[int, int], float]) -> tuple[float, tuple[int, int]]:
    """The order of (pair, closeness) items: closest first, then by ids."""
    return (-item[1], item[0])


@dataclass
class CloseSpellings:
    """The close spellings among one event's names, kept at the level of spellings: each
    spelling's people and, once asked for, the pairs of distinct spellings that are close
    (`close`). A pair of people is close when a spelling of one is the other's or close to it.
    Hundreds of thousands of close pairs can stand behind an event's names ("Person 1" ...
    "Person 3000"), so pairs of people are made only where asked (`pairs_among`, `closest`).
    In memory only."""

    spellings: list[str]
    ids: list[list[int]]  # per spelling: the people who have it, ascending
    of: dict[int, list[int]]  # per person: their spellings (legal, preferred)
    cutoff: float = CLOSE_SPELLING_CUTOFF

    @cached_property
    def blocks(self) -> list[set[str]]:
        """Per spelling, the blocks it falls in (`_blocking_keys`)."""
        return [_blocking_keys(spelling) for spelling in self.spellings]

    @cached_property
    def close(self) -> tuple[Positions, Positions, Scores]:
        """The close pairs of distinct spellings (first < second; a pair may come more than
        once) and their closeness: the spellings of each block of `_blocking_keys` compared
        (blocks of the same spellings once), never every spelling with every other."""
        blocks: dict[str, list[int]] = {}
        for position, keys in enumerate(self.blocks):
            for key in keys:
                blocks.setdefault(key, []).append(position)
        compared: set[tuple[int, ...]] = set()
        firsts: list[Positions] = [numpy.zeros(0, dtype=numpy.intp)]
        seconds: list[Positions] = [numpy.zeros(0, dtype=numpy.intp)]
        scores: list[Scores] = [numpy.zeros(0, dtype=numpy.uint8)]
        small: list[tuple[Positions, Positions]] = []
        for members in blocks.values():
            if len(members) < 2 or tuple(members) in compared:
                continue  # a common word's first and last letters often make the same block twice
            compared.add(tuple(members))
            at = numpy.asarray(members)
            if len(members) <= SMALL_BLOCK:
                rows, columns = _pairs_of(len(members))
                small.append((at[rows], at[columns]))
                continue
            rows, columns, close = _close_in_block([self.spellings[position] for position in members], self.cutoff)
            firsts.append(at[rows])
            seconds.append(at[columns])
            scores.append(close)
        if small:
            # Small blocks are many (a few names sharing a word's ends): their pairs are compared
            # in one call, each pair once.
            size = len(self.spellings)
            unique = numpy.unique(numpy.concatenate([rows * size + columns for rows, columns in small]))
            first, second, close = self._pair_by_pair(*numpy.divmod(unique, size))
            firsts.append(first)
            seconds.append(second)
            scores.append(close)
        return numpy.concatenate(firsts), numpy.concatenate(seconds), numpy.concatenate(scores)

    def score(self, a: int, b: int) -> float:
        """How close `a` and `b` are (the best of their spellings), or 0: a spelling in common is
        100; others are compared as `close_spellings_among` does, in a shared block only."""
        best = 0.0
        for mine in self.of.get(a, ()):
            for theirs in self.of.get(b, ()):
                if mine == theirs:
                    return 100.0
                if self.blocks[mine] & self.blocks[theirs]:
                    closeness = _compare([self.spellings[mine]], [self.spellings[theirs]], self.cutoff)
                    best = max(best, float(closeness[0, 0]))
        return best

    def _expand(self, mine: int, theirs: int) -> Iterator[tuple[int, int]]:
        """The pairs of people (lower id first) behind one pair of spellings."""
        if mine == theirs:
            yield from itertools.combinations(self.ids[mine], 2)
            return
        for a in self.ids[mine]:
            for b in self.ids[theirs]:
                if a != b:
                    yield (a, b) if a < b else (b, a)

    @cached_property
    def one_letter_apart(self) -> tuple[Positions, Positions, Scores]:
        """The close pairs of spellings one letter apart (one is the other with a letter more),
        found without comparing every block: each spelling's variants with a letter dropped are
        looked up among the spellings. Same shape as `close`."""
        position_of = {spelling: position for position, spelling in enumerate(self.spellings)}
        blocks = self.blocks
        pairs = set()
        for position, spelling in enumerate(self.spellings):
            for at in range(len(spelling)):
                shorter = position_of.get(spelling[:at] + spelling[at + 1 :])
                if shorter is not None and blocks[position] & blocks[shorter]:
                    pairs.add((shorter, position) if shorter < position else (position, shorter))
        first = numpy.array([pair[0] for pair in sorted(pairs)], dtype=numpy.intp)
        second = numpy.array([pair[1] for pair in sorted(pairs)], dtype=numpy.intp)
        return self._pair_by_pair(first, second)

    def _pair_by_pair(self, first: Positions, second: Positions) -> tuple[Positions, Positions, Scores]:
        """Of these pairs of spellings, compared in one call, the close ones and how close."""
        spellings = numpy.asarray(self.spellings, dtype=object)
        close = process.cpdist(
            spellings[first].tolist(), spellings[second].tolist(), scorer=fuzz.ratio, processor=None,
            score_cutoff=self.cutoff, dtype=numpy.uint8,
        )  # fmt: skip
        found = numpy.flatnonzero(close)
        return first[found], second[found], close[found]

    def levels(
        self, close: tuple[Positions, Positions, Scores] | None = None
    ) -> Iterator[tuple[float, list[tuple[int, int]]]]:
        """The pairs of spellings with close people (of `close`, by default every close pair),
        closest first, a level of closeness at a time (the same spelling for two people is 100)."""
        identical = [(position, position) for position, ids in enumerate(self.ids) if len(ids) > 1]
        first, second, scores = self.close if close is None else close
        for score in range(100, int(self.cutoff) - 1, -1):
            at = numpy.flatnonzero(scores == score)
            pairs = list(zip(first[at].tolist(), second[at].tolist(), strict=True))
            yield float(score), (identical + pairs if score == 100 else pairs)

    def closest(self, need: int, skip: Collection[tuple[int, int]]) -> dict[tuple[int, int], float]:
        """The `need` closest pairs of people not in `skip`, closest first, then by ids. Spellings
        are expanded a level of closeness at a time, until `need` pairs are found: no pair of a
        lower level can rank above them.

        First from the spellings the same or one letter apart only, which needs no comparison of
        the blocks: spellings two letters apart or more are at most 100 - 100 / (the longest
        spelling's length) close, so when the `need`-th pair found is closer than that, no other
        pair can take its place. Numbered names ("Person 1" ... "Person 3000", one block of
        3,000) are answered so; other names are compared block by block."""
        quick = self._closest_in(self.one_letter_apart, need, skip)
        longest = max((len(spelling) for spelling in self.spellings), default=1)
        if quick and len(quick) == need and list(quick.values())[-1] > math.ceil(100 - 100 / longest):
            return quick
        return self._closest_in(None, need, skip)

    def _closest_in(
        self, close: tuple[Positions, Positions, Scores] | None, need: int | None, skip: Collection[tuple[int, int]]
    ) -> dict[tuple[int, int], float]:
        """`closest` among `close` (every close pair by default); `need` None: every pair."""
        found: dict[tuple[int, int], float] = {}
        for score, spellings in self.levels(close):
            for mine, theirs in spellings:
                for key in self._expand(mine, theirs):
                    if key not in skip and key not in found:
                        found[key] = score  # the first level a pair is met at is its best
            if need is not None and len(found) >= need:
                break
        if need is None:
            return dict(sorted(found.items(), key=_closest_first))
        # The last level met can hold far more pairs than `need`: only the head is sorted.
        return dict(heapq.nsmallest(need, found.items(), key=_closest_first))

    def every_pair(self) -> dict[tuple[int, int], float]:
        """Every close pair of people and its closeness."""
        return self._closest_in(None, None, ())

    def pairs_among(self, members: Iterable[int]) -> dict[tuple[int, int], float]:
        """The close pairs among `members` (people sharing an index). Pair by pair in a small
        group; a big one (a phone number every arrestee of an event was given) is compared as an
        event of its own, never pair by pair."""
        members = sorted(set(members) & self.of.keys())
        if len(members) <= PAIR_BY_PAIR_MAX:
            found = {}
            for a, b in itertools.combinations(members, 2):
                score = self.score(a, b)
                if score:
                    found[(a, b)] = score
            return found
        spelt = ((pk, self.spellings[spelling]) for pk in members for spelling in self.of[pk])
        return _spellings_of(spelt, self.cutoff).every_pair()


def _compare(names: list[str], others: list[str], cutoff: float, *, workers: int = 1) -> Scores:
    """rapidfuzz's closeness of every name with every other, 0 below `cutoff` (rounded to whole
    numbers, the same wherever two names are compared)."""
    return process.cdist(
        names, others, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, dtype=numpy.uint8, workers=workers
    )


@lru_cache(maxsize=SMALL_BLOCK + 1)
def _pairs_of(size: int) -> tuple[Positions, Positions]:
    """Every pair (i < j) of `size` positions."""
    return numpy.triu_indices(size, k=1)


def _close_in_block(names: list[str], cutoff: float) -> tuple[Positions, Positions, Scores]:
    """The close pairs (i < j) among `names` and their closeness. A big block (a word every name
    of an event has) is compared a slice at a time against the names from the slice on, on
    every core: about half the comparisons of the whole square. Always against a copy: rapidfuzz
    compares a list with itself the slow way (docs/performance.md)."""
    found_rows, found_columns, found = [], [], []
    for start in range(0, len(names), BLOCK_SLICE):
        workers = -1 if len(names) > BLOCK_SLICE else 1  # threads cost more than a small block
        close = _compare(names[start : start + BLOCK_SLICE], names[start:], cutoff, workers=workers)
        rows, columns = numpy.nonzero(close)
        upper = rows < columns  # the slice's own names are the first columns
        rows, columns = rows[upper], columns[upper]
        found_rows.append(rows + start)
        found_columns.append(columns + start)
        found.append(close[rows, columns])
    return numpy.concatenate(found_rows), numpy.concatenate(found_columns), numpy.concatenate(found)


def close_spellings_among(
    candidates: Iterable[tuple[int, str, str]], *, cutoff: float = CLOSE_SPELLING_CUTOFF
) -> CloseSpellings:
    """The spellings of candidates (id, legal name, preferred name), to be compared."""
    spelt = (
        (pk, comparable(name))
        for pk, legal, preferred in candidates
        for name in (legal, preferred)
        if name and len(normalise_text(name)) >= 3
    )
    return _spellings_of(spelt, cutoff)


def _spellings_of(spelt: Iterable[tuple[int, str]], cutoff: float) -> CloseSpellings:
    """`close_spellings_among` of (id, spelling) pairs already made `comparable`."""
    positions: dict[str, int] = {}
    ids: list[list[int]] = []
    of: dict[int, list[int]] = {}
    for pk, spelling in spelt:
        position = positions.setdefault(spelling, len(positions))
        if position == len(ids):
            ids.append([])
        if position not in of.get(pk, []):
            ids[position].append(pk)
            of.setdefault(pk, []).append(position)
    for people in ids:
        people.sort()
    return CloseSpellings(spellings=list(positions), ids=ids, of=of, cutoff=cutoff)


def close_pairs(
    candidates: Iterable[tuple[int, str, str]], *, cutoff: float = CLOSE_SPELLING_CUTOFF
) -> dict[tuple[int, int], float]:
    """Every pair of distinct candidates (lower id first) with close names, and their closeness."""
    return close_spellings_among(candidates, cutoff=cutoff).every_pair()


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
    page past every dismissed pair; close spellings sharing an index are found within the
    index's groups; the events' spellings are compared only when the page reaches the pairs with
    one reason, and only the closest `need` of those are made; pairs are ranked on ids; only the
    records of the pairs shown are read (and decrypted). The close pairs of the chosen event are
    ranked exactly. A pair with no close spelling (elsewhere, or at the event under different
    names) is reached only with the first pairs of its index groups: one sharing two indexes late
    in two big groups can come on a later page than its rank."""
    dismissed = set(DuplicateDismissal.objects.filter(undone_at__isnull=True).values_list("first_id", "second_id"))
    need = offset + limit + len(dismissed)
    exact_pairs, indexes = _exact_candidates(people, need)
    labels = list(EXACT.values())
    # The reasons each set of shared indexes stands for (both name indexes are one, "name").
    named = [list(dict.fromkeys(label for bit, label in enumerate(labels) if found >> bit & 1))
             for found in range(1 << len(labels))]  # fmt: skip

    def flags_of(key: tuple[int, int]) -> int:
        first, second = indexes.get(key[0]), indexes.get(key[1])
        if first is None or second is None:
            return 0
        return sum(1 << bit for bit in range(len(labels)) if first[bit] and first[bit] == second[bit])

    # Close pairs sharing an index: all of them, found through each index's groups in each event
    # (an event's people come with their index values), not through every pair of namesakes.
    spelt_by_event = [close_spellings_among(names) for names in names_by_event(people, event, indexes=indexes).values()]
    close: dict[tuple[int, int], float] = {}  # the close pairs that can reach the page
    for spelt in spelt_by_event:
        for column in range(len(EXACT)):
            groups: dict[str, list[int]] = {}
            for pk in spelt.of:
                if indexes[pk][column]:
                    groups.setdefault(indexes[pk][column], []).append(pk)
            for members in groups.values():
                if len(members) > 1:
                    for key, score in spelt.pairs_among(members).items():
                        close[key] = max(close.get(key, 0.0), score)
    flags = {key: flags_of(key) for key in (set(close) | exact_pairs) - dismissed}

    def reasons(key: tuple[int, int]) -> int:
        return len(named[flags[key]]) + (key in close)

    # A close pair sharing no index has one reason. Only when the page goes past the pairs with
    # two or more are the events' spellings compared, and only the best `need` of those pairs kept.
    if sum(reasons(key) > 1 for key in flags) < offset + limit:
        skip = close.keys() | dismissed
        apart: dict[tuple[int, int], float] = {}
        for spelt in spelt_by_event:
            for key, score in spelt.closest(need, skip).items():
                apart[key] = max(apart.get(key, 0.0), score)
        for key, score in heapq.nsmallest(need, apart.items(), key=_closest_first):
            close[key], flags[key] = score, 0

    def why(key: tuple[int, int]) -> list[str]:
        return named[flags[key]] + (["close_spelling"] if key in close else [])

    def rank(key: tuple[int, int]) -> tuple[int, float, tuple[int, int]]:
        return (-reasons(key), -100.0 if flags[key] else -close[key], key)

    best = heapq.nsmallest(offset + limit, flags, key=rank)[offset:]
    # What the queue shows of a record: its name (decrypted for the pairs shown only) and its id.
    shown = people.filter(pk__in={pk for key in best for pk in key})
    records = {p.pk: p for p in shown.only("public_id", "legal_name", "preferred_name", "conceal_legal_name")}
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
