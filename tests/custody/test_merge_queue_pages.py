"""The merge queue at scale: exact pairs are found in SQL group by group, only as far as the page
needs, so the queries are the same whatever the number of namesakes; the queue comes in pages that
together list every pair once, best first; pairs marked as different people stay out however many
there are."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Demonstrator
from custody.selectors.duplicates import likely_duplicate_pairs, people_in_play, unmerged
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
