"""The merge queue at scale: exact pairs are found in SQL group by group, only as far as the page
needs, so the queries are the same whatever the number of namesakes; the queue comes in pages that
together list every pair once, best first; pairs marked as different people stay out however many
there are."""

from __future__ import annotations

import datetime
import itertools
import random
import uuid

import numpy
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Demonstrator
from custody.selectors.duplicates import (
    PAIR_BY_PAIR_MAX,
    close_spellings_among,
    likely_duplicate_pairs,
    people_in_play,
    unmerged,
)
from custody.services.merge import duplicate_dismiss
from tests.auth import signed_in
from tests.factories import CaseFactory, DemonstratorFactory, EventFactory


def _namesakes(groups: int, size: int, event=None) -> list[list[Demonstrator]]:  # type: ignore[no-untyped-def]
    """`groups` names, each shared by `size` people with no phone, e-mail or birth date (at `event`)."""
    event = event or EventFactory()
    made = []
    for _ in range(groups):
        name = f"Robin {uuid.uuid4().hex[:8]}"
        people = [DemonstratorFactory(legal_name=name, phone="", email="", date_of_birth=None) for _ in range(size)]
        for person in people:
            CaseFactory(event=event, demonstrator=person)
        made.append(people)
    return made


def _keys(pairs) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    return [(p.first.pk, p.second.pk) for p in pairs]


@pytest.mark.django_db
def test_the_queries_stay_the_same_however_many_namesakes(coordinator):
    counts = []
    for groups, size in ((2, 3), (12, 8)):  # 6 pairs, then 6 + 336
        _namesakes(groups, size)
        people = people_in_play(user=coordinator)  # the account's scope, read once
        with CaptureQueriesContext(connection) as seen:
            pairs = likely_duplicate_pairs(people=people, limit=20)
        counts.append(len(seen))
        assert len(pairs) == min(20, groups * size * (size - 1) // 2 + 6 * (groups > 2))
    assert len(pairs) == 20
    # the dismissals, one query per blind index (5), the events' names, the records shown
    assert counts == [8, 8]


@pytest.mark.django_db
def test_pages_list_every_pair_once_in_the_order_of_the_whole_queue(coordinator):
    _namesakes(5, 4)  # 30 pairs
    twins = (
        DemonstratorFactory(legal_name="Sam Roe", phone="215-555-0199", email=""),
        DemonstratorFactory(legal_name="Sam Roe", phone="215-555-0199", email=""),
    )
    elsewhere = EventFactory()
    for twin in twins:
        CaseFactory(event=elsewhere, demonstrator=twin)
    people = people_in_play(user=coordinator)
    whole = _keys(likely_duplicate_pairs(people=people, limit=200))
    assert len(whole) == 31 and whole[0] == tuple(sorted(p.pk for p in twins))  # name and phone first
    pages = [_keys(likely_duplicate_pairs(people=people, limit=7, offset=offset)) for offset in range(0, 35, 7)]
    assert [len(page) for page in pages] == [7, 7, 7, 7, 3]
    assert [key for page in pages for key in page] == whole


@pytest.mark.django_db
def test_dismissed_pairs_stay_out_even_when_they_would_fill_a_page(coordinator):
    groups = _namesakes(6, 2)  # six pairs, one per name, in the order of their ids
    for first, second in groups[:4]:
        duplicate_dismiss(first=first, second=second, by=coordinator)
    pairs = _keys(likely_duplicate_pairs(people=unmerged(Demonstrator.objects.all()), limit=1))
    assert pairs == [(groups[4][0].pk, groups[4][1].pk)]
    rest = _keys(likely_duplicate_pairs(people=unmerged(Demonstrator.objects.all()), limit=1, offset=1))
    assert rest == [(groups[5][0].pk, groups[5][1].pk)]


@pytest.mark.django_db
def test_a_big_group_yields_only_the_pairs_a_page_needs(coordinator):
    [crowd] = _namesakes(1, 40)  # 780 pairs of one name
    pairs = _keys(likely_duplicate_pairs(people=people_in_play(user=coordinator), limit=3, offset=2))
    ids = sorted(p.pk for p in crowd)
    assert pairs == [(ids[0], ids[3]), (ids[0], ids[4]), (ids[0], ids[5])]


@pytest.mark.django_db
def test_the_page_links_to_the_next_pairs_and_back(coordinator):
    event = EventFactory()
    _namesakes(1, 16, event=event)  # 120 pairs: two pages of 100
    client = signed_in(coordinator)
    first = client.get(f"/coordination/people/duplicates/?event={event.public_id}").content.decode()
    assert first.count("/coordination/people/merge/") == 100
    assert f"?event={event.public_id}&amp;page=2" in first and "page=0" not in first
    second = client.get(f"/coordination/people/duplicates/?event={event.public_id}&page=2").content.decode()
    assert second.count("/coordination/people/merge/") == 20
    assert f"?event={event.public_id}&amp;page=1" in second and "page=3" not in second
    assert client.get("/coordination/people/duplicates/?page=x").status_code == 200


def _reference_queue(people: list[Demonstrator], dismissed: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """The whole queue of one event's `people`, ranked by its definition, every pair compared:
    the reasons are the shared blind indexes (both name indexes are "name") and a close spelling
    (85 or closer, any name of one against any of the other, when a word of each starts or ends
    with the same three letters); more reasons first, then a shared index before a closeness,
    then closer, then the lower ids."""
    from rapidfuzz import fuzz, process

    from custody.selectors.duplicates import EXACT, comparable  # noqa: PLC0415 - the reference only

    names = {p.pk: [comparable(n) for n in (p.legal_name, p.preferred_name) if len(n) >= 3] for p in people}
    ranked = []
    for first, second in itertools.combinations(sorted(people, key=lambda p: p.pk), 2):
        shared = {
            label
            for column, label in EXACT.items()
            if getattr(first, column) and getattr(first, column) == getattr(second, column)
        }
        scores = [
            process.cdist([a], [b], scorer=fuzz.ratio, dtype=numpy.uint8)[0, 0]
            for a in names[first.pk]
            for b in names[second.pk]
            if {w[:3] for w in a.split()} & {w[:3] for w in b.split()}
            or {w[-3:] for w in a.split()} & {w[-3:] for w in b.split()}
        ]
        close = max([float(s) for s in scores if s >= 85], default=0.0)
        key = (first.pk, second.pk)
        if (shared or close) and key not in dismissed:
            reasons = len(shared) + bool(close)
            ranked.append(((-reasons, -100.0 if shared else -close, key), key))
    return [key for _, key in sorted(ranked)]


@pytest.mark.django_db
def test_every_page_is_the_queue_ranked_pair_by_pair(coordinator):
    """Namesakes, typos, numbered names ("Person 7", every one close to many others), a phone
    number shared by more people than are compared pair by pair, preferred names and dismissed
    pairs: each page of the queue is that page of the queue ranked pair by pair."""
    rng = random.Random(20)
    event = EventFactory()
    given = ["Maria", "John", "Jon", "Ana", "Luis", "Keisha", "Dana", "Sam"]
    family = ["Lopez", "Smith", "Smyth", "Nguyen", "Brown", "Johnson", "Jonson", "Garcia"]
    made = []
    for i in range(150):
        if i < 40:
            legal = f"Person {i}"
        else:
            legal = f"{rng.choice(given)} {rng.choice(family)}"
        made.append(
            DemonstratorFactory(
                legal_name=legal,
                preferred_name=rng.choice(["", "", "", f"P{i}", legal.split()[0]]),
                # 60 people given the same number (over PAIR_BY_PAIR_MAX), a few pairs their own
                phone="215-555-0100" if i % 2 else rng.choice(["", "", f"215-555-{i:04d}", "215-555-0199"]),
                email=rng.choice(["", "", "", "shared@example.org"]),
                date_of_birth=rng.choice([None, datetime.date(1990, 1, 1), datetime.date(1991, 2, 2)]),
            )
        )
    for person in made:
        CaseFactory(event=event, demonstrator=person)
    reference = _reference_queue(made, set())
    assert len(reference) > 1_000 and PAIR_BY_PAIR_MAX < 75
    for first, second in (reference[3], reference[40], reference[-1]):
        duplicate_dismiss(
            first=Demonstrator.objects.get(pk=first), second=Demonstrator.objects.get(pk=second), by=coordinator
        )
    reference = _reference_queue(made, {reference[3], reference[40], reference[-1]})
    people = people_in_play(user=coordinator)
    pages = [(offset, 97) for offset in range(0, len(reference), 97)] + [(len(reference) - 20, 100)]
    for offset, limit in pages:
        page = _keys(likely_duplicate_pairs(people=people, event=event, limit=limit, offset=offset))
        assert page == reference[offset : offset + limit], (offset, limit)


def test_the_closest_pairs_are_the_head_of_every_close_pair_in_order():
    """`closest` stops expanding spellings once a level of closeness gives it enough pairs, and
    first tries the spellings one letter apart alone: what it returns is still the head of every
    close pair, closest first, then by ids, for any number asked and with pairs to skip."""
    people = [(i, f"Person {i}", "") for i in range(1, 80)] + [(100 + i, f"Person {i}", f"P {i}") for i in range(1, 6)]
    # Two letters apart but long, so closer (97) than any numbered name one letter apart (94).
    people += [(200, "Alexandrina Montgomery Whitfield", ""), (201, "Alexandrina Montgomery Whitfiald", "")]
    spelt = close_spellings_among(people)
    ordered = sorted(spelt.every_pair().items(), key=lambda item: (-item[1], item[0]))
    assert len({score for _, score in ordered}) >= 4 and len(ordered) > 300  # several levels
    skip = {key for key, _ in ordered[::7]}
    kept = [item for item in ordered if item[0] not in skip]
    for need in (1, 5, 6, 40, 120, 300, len(ordered)):
        assert list(spelt.closest(need, set()).items()) == ordered[:need]
        assert list(spelt.closest(need, skip).items()) == kept[:need]


@pytest.mark.parametrize(("small_block", "block_slice"), [(24, 500), (3, 7), (1, 2)])
def test_blocks_compared_in_slices_or_pair_by_pair_find_the_same_pairs(monkeypatch, small_block, block_slice):
    """However the blocks are compared (pair by pair when small, a slice at a time when big),
    the close pairs are those of every pair of names sharing a block, as close."""
    from rapidfuzz import fuzz, process

    from custody.selectors import duplicates

    monkeypatch.setattr(duplicates, "SMALL_BLOCK", small_block)
    monkeypatch.setattr(duplicates, "BLOCK_SLICE", block_slice)
    people = [(i, f"Person {i}", "Jon Smith" if i % 9 == 0 else "") for i in range(1, 60)]
    people += [(100, "John Smith", ""), (101, "Jonh Smyth", "P 7"), (102, "Lopez, María", "Maria Lopez")]
    spellings = {pk: [duplicates.comparable(n) for n in names if len(n) >= 3] for pk, *names in people}

    def blocks(name: str) -> set[str]:
        return {"<" + w[:3] for w in name.split()} | {">" + w[-3:] for w in name.split()}

    expected = {}
    for (a, mine), (b, theirs) in itertools.combinations(sorted(spellings.items()), 2):
        scores = [
            100 if x == y else int(process.cdist([x], [y], scorer=fuzz.ratio, score_cutoff=85, dtype=numpy.uint8)[0, 0])
            for x in mine
            for y in theirs
            if blocks(x) & blocks(y)
        ]
        if max(scores, default=0):
            expected[(a, b)] = float(max(scores))
    found = duplicates.close_pairs(people)
    assert found == expected and len(found) > 200


def test_numbered_names_are_answered_without_comparing_their_block():
    """Names an event gives people it cannot name ("Person 1" ... "Person 400") all fall in one
    block; their closest pairs are one letter apart, found without comparing that block."""
    spelt = close_spellings_among([(i, f"Person {i}", "") for i in range(1, 401)])
    closest = spelt.closest(100, set())
    assert len(closest) == 100 and set(closest.values()) == {95.0}  # "Person 10" and "Person 100"
    assert "close" not in vars(spelt)  # the block was never compared
    assert list(closest.items()) == sorted(spelt.every_pair().items(), key=lambda i: (-i[1], i[0]))[:100]
