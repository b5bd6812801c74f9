"""The dashboard against a careful reader: an organizer who collects every number from every page
(overall and each event, on the web and through the API) and tries every subtraction the pages
allow, again and again until nothing narrows: a total minus the other cells of its breakdown, the
overall figure minus the same figure at the other events, and chains of those across pages. No
count below the threshold may come out as one exact value, and an event with fewer people than
the threshold shows its head count alone.

The reader is written here on its own (not with the dashboard's code): each cell is a range
(a number shown; "fewer than 5": 1 to 4; "withheld": at least 5, or any amount of money; not shown
at all: anything from 0), and every sum the pages imply narrows the ranges of its cells."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from citations.deadlines import sync_citation_deadlines
from citations.models import Citation, CitationKind, CitationStatus, Disposition
from tests.api.conftest import client_with_token
from tests.factories import (
    ArrestFactory,
    CaseFactory,
    CitationFactory,
    DemonstratorFactory,
    EventFactory,
    PaymentFactory,
)

LIMIT = 5
INF = float("inf")
DEADLINE_GROUPS = ("answer", "hearing", "appeal", "claim")
MONEY = ("fines_owed", "paid", "paid_by_bail_fund", "refunded", "refunds_owed")


@pytest.fixture(autouse=True)
def _threshold(settings):
    settings.SMALL_COUNT_THRESHOLD = LIMIT


def every_page(organizer, client_for) -> dict[str, dict]:
    """Every dashboard page the organizer can open, through the API, each checked against the web
    page for the same scope (the same numbers on both)."""
    api, web = client_with_token(organizer), client_for(organizer)
    overall = api.get("/api/v1/dashboard/").json()
    pages = {"all": overall}
    for row in overall["events"]:
        pages[row["public_id"]] = api.get(f"/api/v1/dashboard/?event={row['public_id']}").json()
    for scope, page in pages.items():
        query = "" if scope == "all" else f"?event={scope}"
        shown = web.get(f"/citations/dashboard/{query}")
        assert shown.status_code == 200
        assert shown.context["s"] == page
    return pages


def known(cell: dict | None, *, money: bool = False) -> tuple[float, float]:
    """What the reader knows of one cell."""
    if cell is None:
        return 0, INF
    if not cell["suppressed"]:
        value = Decimal(cell["value"]) * 100 if money else cell["value"]
        return int(value), int(value)
    if cell["display"] == "withheld":
        return (0 if money else LIMIT), INF
    return (0, INF) if money else (1, LIMIT - 1)


class Reader:
    def __init__(self) -> None:
        self.ranges: dict[tuple, tuple[float, float]] = {}
        self.sums: list[tuple[tuple, list[tuple], bool]] = []  # total, parts, exact (else: at least)
        self.suppressed: set[tuple] = set()  # cells shown as "fewer than N" (or money hidden)
        self.left_out: set[tuple] = set()  # cells of a breakdown not shown at all

    def see(self, key: tuple, cell: dict | None, *, money: bool = False) -> None:
        self.ranges[key] = known(cell, money=money)
        if cell is not None and cell["suppressed"] and cell["display"] != "withheld":
            self.suppressed.add(key)
        if cell is None:
            self.left_out.add(key)

    def sum(self, total: tuple, parts: list[tuple], *, exact: bool = True) -> None:
        self.sums.append((total, parts, exact))

    def subtract_until_nothing_narrows(self) -> None:
        r = self.ranges
        for _ in range(1000):
            changed = False
            for total, parts, exact in self.sums:
                lows = [r[p][0] for p in parts]
                highs = [r[p][1] for p in parts]
                updates = {}
                if exact:
                    updates[total] = (sum(lows), sum(highs))
                for i, part in enumerate(parts):
                    others_high = sum(h for j, h in enumerate(highs) if j != i)
                    others_low = sum(lo for j, lo in enumerate(lows) if j != i)
                    low = r[total][0] - others_high  # the total minus what the others can hold
                    high = r[total][1] - others_low if exact else r[total][1]
                    updates[part] = (low, high)
                for key, (low, high) in updates.items():
                    new = (max(r[key][0], low), min(r[key][1], high))
                    if new != r[key]:
                        r[key], changed = new, True
            if not changed:
                return
        raise AssertionError("the reader's subtractions never settled")


def read(pages: dict[str, dict]) -> Reader:
    reader = Reader()
    counted = [scope for scope, page in pages.items() if scope != "all" and not page["small_group"]]
    for scope, page in pages.items():
        for key in ("people", "cited", "arrested"):
            reader.see((scope, "people", key), page["people"][key])
        if page["small_group"]:
            continue
        citations = page["citations"]
        reader.see((scope, "citations"), citations["total"])
        for block, cells in (("status", citations["by_status"]), ("kind", citations["by_kind"]),
                             ("outcome", page["outcomes"])):  # fmt: skip
            names = cells or pages["all"]["labels"][{"outcome": "disposition"}.get(block, block)]
            for name in names:
                reader.see((scope, block, name), cells[name] if cells else None)
            reader.sum((scope, "citations"), [(scope, block, name) for name in names])
        for window in ("next_7_days", "next_30_days"):
            cells = page["deadlines"][window]
            reader.see((scope, window), cells["total"])
            for group in DEADLINE_GROUPS:
                reader.see((scope, window, group), cells[group])
            reader.sum((scope, window), [(scope, window, group) for group in DEADLINE_GROUPS])
        for name in ("missed_answers", "past_hearings_without_outcome"):
            reader.see((scope, name), page["deadlines"][name])
        for name in MONEY:
            reader.see((scope, "money", name), page["money"][name], money=True)
    if counted:  # the overall figures are the sums of the events' (small events left out)
        for key in [key for key in reader.ranges if key[0] == "all"]:
            parts = [(scope, *key[1:]) for scope in counted]
            # people: one may be at several events, so the events' counts add up to at least the
            # overall one, each at most it
            reader.sum(key, parts, exact=key[1] != "people")
    reader.subtract_until_nothing_narrows()
    return reader


def assert_nothing_pinned(pages: dict[str, dict]) -> Reader:
    reader = read(pages)
    for key, (low, high) in reader.ranges.items():
        assert low <= high, f"the pages contradict each other at {key}"
        if key in reader.suppressed:
            assert low < high, f"{key} is shown as suppressed but works out to exactly {low}"
        if key in reader.left_out and low == high:
            assert low == 0 or low >= LIMIT, f"{key} is not shown but works out to exactly {low}"
    return reader


def test_one_person_at_an_event_shows_nothing_about_them_anywhere(organizer, client_for):
    """The issue's example: an event with one person (a notice to appear, decided, dismissed, not
    arrested). Before, its page showed which cells were not zero, and the overall page minus the
    other event's gave each of its counts."""
    tiny, march = EventFactory(name="Tiny"), EventFactory(name="March")
    CitationFactory(
        case=CaseFactory(event=tiny), kind=CitationKind.PHL_SUMMARY_NTA, status=CitationStatus.DECIDED,
        disposition=Disposition.DISMISSED,
    )  # fmt: skip
    for i in range(12):
        case = CaseFactory(event=march)
        CitationFactory(case=case, kind=CitationKind.PA_SUMMARY, status="issued" if i < 7 else "decided",
                        disposition=Disposition.PENDING if i < 7 else Disposition.DISMISSED)  # fmt: skip
        if i < 6:
            ArrestFactory(case=case)
    pages = every_page(organizer, client_for)
    page = pages[str(tiny.public_id)]
    assert page["small_group"] is True
    assert page["people"] == {"people": {"value": None, "display": "fewer than 5", "suppressed": True},
                              "cited": None, "arrested": None}  # fmt: skip
    assert [page[key] for key in ("citations", "outcomes", "deadlines", "money")] == [None] * 4
    html = client_for(organizer).get(f"/citations/dashboard/?event={tiny.public_id}").content.decode()
    assert 'id="small-group"' in html and "status-chart" not in html and "money-paid" not in html
    row = next(row for row in pages["all"]["events"] if row["name"] == "Tiny")
    assert row["cited"] is None and row["arrested"] is None
    # The overall figures are March's alone: subtracting March from them leaves nothing.
    assert pages["all"]["citations"] == pages[str(march.public_id)]["citations"]
    assert pages["all"]["outcomes"] == pages[str(march.public_id)]["outcomes"]
    assert_nothing_pinned(pages)


def test_a_small_count_beside_a_total_is_not_given_away_on_any_page(organizer, client_for):
    """Two large events; one has a single dismissed citation. The overall "dismissed" minus the
    other event's would give it away; so would that event's total minus its other outcomes."""
    a, b = EventFactory(name="A"), EventFactory(name="B")
    for i in range(9):
        CitationFactory(case=CaseFactory(event=a), disposition=Disposition.DISMISSED if i == 0 else Disposition.PENDING)
    for i in range(8):
        CitationFactory(case=CaseFactory(event=b), disposition=Disposition.DISMISSED if i < 6 else Disposition.GUILTY)
    pages = every_page(organizer, client_for)
    outcomes = pages[str(a.public_id)]["outcomes"]
    assert outcomes["dismissed"]["display"] == "fewer than 5"
    reader = assert_nothing_pinned(pages)
    assert reader.ranges[(str(a.public_id), "outcome", "dismissed")] != (1, 1)


@pytest.mark.parametrize("seed", range(5))
def test_random_events_give_nothing_away_to_every_subtraction(organizer, client_for, seed):
    rng = random.Random(seed)
    events = [EventFactory() for _ in range(rng.randint(2, 4))]
    people = [DemonstratorFactory() for _ in range(rng.randint(8, 30))]
    for person in people:
        for event in rng.sample(events, k=rng.choice([1, 1, 1, 2])):
            case = CaseFactory(event=event, demonstrator=person)
            for _ in range(rng.choice([0, 1, 1, 2])):
                citation = CitationFactory(
                    case=case,
                    kind=rng.choice(CitationKind.values[:3]),
                    status=rng.choice(CitationStatus.values[:3]),
                    disposition=rng.choice(Disposition.values[:4]),
                    issued_at=timezone.now() - datetime.timedelta(days=rng.randint(0, 12)),
                )
                if rng.random() < 0.3:
                    PaymentFactory(citation=citation, amount=Decimal(rng.choice(["25.00", "50.00"])))
            if rng.random() < 0.3:
                ArrestFactory(case=case)
    sync_citation_deadlines(list(Citation.objects.all()))
    assert_nothing_pinned(every_page(organizer, client_for))
