"""The dashboard's grouped passes give exactly the numbers counted one by one in Python, over a
varied set of events, people (some at several events), citations and arrests; overall and per event."""

import datetime
import random
from collections import Counter

import pytest
from django.utils import timezone

from cases.models import Event
from citations.dashboard import dashboard_summary
from citations.models import CitationKind, CitationStatus, Disposition
from tests.factories import ArrestFactory, CaseFactory, CitationFactory, DemonstratorFactory, EventFactory


def values(cells: dict) -> dict:
    return {key: cell["value"] for key, cell in cells.items()}


@pytest.fixture
def varied(db, settings):
    settings.SMALL_COUNT_THRESHOLD = 1  # show every number so each can be compared
    rng = random.Random(20260615)
    now = timezone.now()
    events = [EventFactory(starts_at=now - datetime.timedelta(days=40 - 7 * i)) for i in range(5)]
    events.append(EventFactory())  # an event with no cases at all
    people = [DemonstratorFactory() for _ in range(30)]
    cases = []
    for person in people:
        # most people at one event, some at two or three, a few at none
        for event in rng.sample(events[:5], k=rng.choice([0, 1, 1, 1, 2, 2, 3])):
            cases.append(CaseFactory(event=event, demonstrator=person))
    for case in cases:
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            CitationFactory(
                case=case,
                kind=rng.choice(CitationKind.values),
                status=rng.choice(CitationStatus.values),
                disposition=rng.choice(Disposition.values),
            )
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            ArrestFactory(case=case)
    return {"events": events, "cases": cases}


def expected(cases: list) -> dict:
    """Counted from the rows themselves, one by one."""
    cited = [case for case in cases if case.citations.exists()]
    arrested = [case for case in cases if case.arrests.exists()]
    citations = [citation for case in cases for citation in case.citations.all()]
    return {
        "people": {
            "people": len({case.demonstrator_id for case in cases}),
            "cited": len({case.demonstrator_id for case in cited}),
            "arrested": len({case.demonstrator_id for case in arrested}),
        },
        "total": len(citations),
        "by_status": Counter(c.status for c in citations),
        "by_kind": Counter(c.kind for c in citations),
        "outcomes": Counter(c.disposition for c in citations),
    }


def assert_matches(summary: dict, cases: list) -> None:
    want = expected(cases)
    assert values(summary["people"]) == want["people"]
    assert summary["citations"]["total"]["value"] == want["total"]
    assert values(summary["citations"]["by_status"]) == {v: want["by_status"][v] for v in CitationStatus.values}
    assert values(summary["citations"]["by_kind"]) == {v: want["by_kind"][v] for v in CitationKind.values}
    assert values(summary["outcomes"]) == {v: want["outcomes"][v] for v in Disposition.values}


def test_the_fixture_has_people_at_several_events(varied):
    per_person = Counter(case.demonstrator_id for case in varied["cases"])
    assert max(per_person.values()) >= 2  # else the overall distinct counts prove nothing
    assert sum(per_person.values()) > len(per_person)


def test_overall_numbers_match_those_counted_one_by_one(varied):
    summary = dashboard_summary()
    assert_matches(summary, varied["cases"])
    # the overall people counts are distinct people, fewer than the sum of the per-event rows
    assert summary["people"]["people"]["value"] < sum(row["people"]["value"] for row in summary["events"])


def test_each_event_row_matches_the_event_counted_one_by_one(varied):
    rows = {row["public_id"]: row for row in dashboard_summary()["events"]}
    with_cases = [event for event in varied["events"] if any(c.event_id == event.pk for c in varied["cases"])]
    assert set(rows) == {str(event.public_id) for event in with_cases}
    for event in with_cases:
        want = expected([case for case in varied["cases"] if case.event_id == event.pk])["people"]
        row = rows[str(event.public_id)]
        assert {key: row[key]["value"] for key in want} == want
        assert (row["name"], row["starts_at"]) == (event.name, event.starts_at.isoformat())
    order = list(Event.objects.filter(pk__in=[e.pk for e in with_cases]).order_by("-starts_at", "name"))
    assert list(rows) == [str(event.public_id) for event in order]


@pytest.mark.parametrize("index", [0, 2, 4, 5])
def test_one_event_matches_that_event_counted_one_by_one(varied, index):
    event = varied["events"][index]
    summary = dashboard_summary(event=event)
    assert_matches(summary, [case for case in varied["cases"] if case.event_id == event.pk])
    assert summary["events"] == []
