"""Complementary suppression: no small count on the dashboard can be worked out by subtraction."""

import datetime
import random

import pytest
from django.utils import timezone

from citations.dashboard import WITHHELD, complementary_suppression, count_cell, dashboard_summary
from citations.deadlines import sync_citation_deadlines
from citations.models import Citation, CitationKind, CitationStatus, Disposition
from tests.factories import ArrestFactory, CaseFactory, CitationFactory, DemonstratorFactory, EventFactory


@pytest.fixture(autouse=True)
def _threshold_5(settings):
    settings.SMALL_COUNT_THRESHOLD = 5


def shown(cells: list[dict]) -> list:
    """What a reader sees: the number, "<" for fewer than the threshold, "w" for withheld."""
    return [cell["value"] if not cell["suppressed"] else "w" if cell["display"] == WITHHELD else "<" for cell in cells]


def protect(total: int, *breakdowns: list[int], **kwargs) -> tuple:
    """Protect a total and its breakdowns given as plain numbers; return what a reader sees."""
    new_total, new = complementary_suppression(
        count_cell(total), [[count_cell(n) for n in parts] for parts in breakdowns], **kwargs
    )
    return (shown([new_total])[0], *(shown(parts) for parts in new))


def test_one_small_part_beside_its_total_takes_the_next_smallest_part_with_it():
    # total 7, one part 5: the "fewer than 5" would be 2
    assert protect(7, [5, 2]) == (7, ["w", "<"])
    # Withholding the 5 alone is not enough for a reader who knows the smallest shown part goes
    # first: the withheld cell would be at most 6, hence 5, and the small one 2. The 6 goes too.
    assert protect(30, [17, 2, 6, 5]) == (30, [17, "<", "w", "w"])


def test_zero_is_never_chosen_and_ties_take_the_first():
    # The first 5 is withheld first; the second 5 shown beside it would say the withheld one is
    # exactly 5 (at least 5, at most the 5 shown after it), so it is withheld too.
    assert protect(12, [0, 2, 0, 5, 5]) == (12, [0, "<", 0, "w", "w"])


def test_nothing_changes_when_nothing_can_be_worked_out():
    assert protect(20, [5, 15, 0]) == (20, [5, 15, 0])  # nothing suppressed
    assert protect(9, [2, 3, 4]) == (9, ["<", "<", "<"])  # 9 = 1+4+4 = 4+4+1 = 3+3+3 = ...
    assert protect(4, [1, 3]) == ("<", ["<", "<"])  # 4 = 1+3 = 2+2 = 3+1, and the total is hidden


def test_two_small_parts_whose_sum_gives_them_away_are_protected_too():
    # total 12, parts shown 10: the two "fewer than 5" add up to 2, so both are 1
    assert protect(12, [1, 1, 10]) == (12, ["<", "<", "w"])
    # 8 = 4 + 4 is the only way two counts below 5 make 8
    assert protect(20, [4, 4, 12]) == (20, ["<", "<", "w"])


def test_the_total_is_withheld_when_withholding_parts_is_not_enough():
    # total 6 = "fewer than 5" + "withheld" (at least 5): the first must be 1
    assert protect(6, [1, 5]) == ("w", ["<", "w"])


def test_breakdowns_of_one_total_are_protected_together():
    # by status 4 + 4 = 8 gives both away, and by kind 8 - 5 gives the 3 away: the 5 is withheld,
    # then the total (withholding parts of the first breakdown cannot help: both are small)
    assert protect(8, [4, 4], [3, 5]) == ("w", ["<", "<"], ["<", "w"])
    # a breakdown shown in full would give a withheld total back
    assert protect(6, [1, 5], [6, 0]) == ("w", ["<", "w"], ["w", 0])


def test_parts_that_may_count_someone_twice_only_bound_the_total():
    # people overall 12; per event 10 and "fewer than 5": people may be at both, so 1 to 4 all fit
    assert protect(12, [10, 3], exact_sum=False) == (12, [10, "<"])
    # overall 14, one event 10: the other has at least 4 people, and fewer than 5: exactly 4
    assert protect(14, [10, 4], exact_sum=False) == (14, ["w", "<"])


def test_the_arguments_are_not_changed():
    total, parts = count_cell(7), [count_cell(5), count_cell(2)]
    complementary_suppression(total, [parts])
    assert parts == [count_cell(5), count_cell(2)] and total == count_cell(7)


# Property: over many random groups, what a reader sees never pins down a count below the threshold.


def ranges(cells: list, limit: int, cap: int) -> list[range]:
    """What each cell of one breakdown can hold given its display: its number, 1..limit-1, or, if
    withheld, from limit up to each number shown in the breakdown (below those shown before it:
    the smallest shown part is withheld first, ties the first, and a reader may know the rule)."""
    out = []
    for j, c in enumerate(cells):
        if c == "w":
            high = min([cap, *(v - 1 if i < j else v for i, v in enumerate(cells) if v not in ("<", "w", 0))])
            out.append(range(limit, high + 1))
        else:
            out.append(range(1, limit) if c == "<" else range(c, c + 1))
    return out


def sums(choices: list[range], cap: int) -> set[int]:
    out = {0}
    for choice in choices:
        out = {s + v for s in out for v in choice if s + v <= cap}
    return out


def feasible(total, breakdowns: list[list], limit: int, *, cap: int, exact_sum: bool = True) -> list[list]:
    """For each cell of each breakdown, every value it could hold given all that is shown (brute
    force over the possible totals); None for cells that are shown."""
    totals = ranges([total], limit, cap)[0]
    out = []
    for k, parts in enumerate(breakdowns):
        rows = []
        for j, cell in enumerate(parts):
            if cell not in ("<", "w"):
                rows.append(None)
                continue
            bounded = ranges(parts, limit, cap)
            own, others = bounded[j], bounded[:j] + bounded[j + 1 :]
            if exact_sum:
                reach = [sums(ranges(b, limit, cap), cap) for i, b in enumerate(breakdowns) if i != k]
                rest = sums(others, cap)
                ok = [t for t in totals if all(t in r for r in reach)]
                rows.append({v for v in own for t in ok if t - v in rest})
            else:  # one breakdown; each part at most the total, together at least it
                rows.append({v for v in own for t in totals if v <= t and v + sum(min(o[-1], t) for o in others) >= t})
        out.append(rows)
    return out


def check(limit: int, total, true_total: int, breakdowns: list[list[int]], seen: list[list], exact_sum=True) -> None:
    case = (limit, true_total, breakdowns, total, seen)
    for parts, cells in zip(breakdowns, seen, strict=True):
        # cells below the threshold stay suppressed; every other cell is shown as it is or withheld
        for n, cell in zip(parts, cells, strict=True):
            assert cell == ("<" if 0 < n < limit else n) or (cell == "w" and n >= limit), case
    assert total == ("<" if 0 < true_total < limit else true_total) or (total == "w" and true_total >= limit), case
    cap = 2 * true_total + 3 * limit  # beyond what any withheld cell could need
    # The known limit: once every non-zero cell is suppressed there is nothing left to withhold,
    # and the zeros shown can still pin a tiny group down (the module docstring says so).
    nothing_left = all(c in ("<", "w", 0) for cells in seen for c in cells)
    for parts, cells, values in zip(
        breakdowns, seen, feasible(total, seen, limit, cap=cap, exact_sum=exact_sum), strict=True
    ):
        for n, cell, possible in zip(parts, cells, values, strict=True):
            if cell in ("<", "w"):
                assert n in possible, case  # the brute force is sound...
            if cell == "<" and total != "<" and not nothing_left:
                assert len(possible) >= 2, case  # ...and a small count is never pinned down
        if (
            total not in ("<", "w") and exact_sum
        ):  # the brief's check: total minus the parts shown is never one suppressed part
            assert len([c for c in cells if c in ("<", "w")]) != 1, case


def random_parts(rng: random.Random, limit: int, total: int | None = None) -> list[int]:
    parts = [rng.choice([0, rng.randint(1, limit - 1), rng.randint(1, 3 * limit)]) for _ in range(rng.randint(1, 6))]
    if total is not None:  # another breakdown of the same total
        parts = [0] * rng.randint(1, 5)
        for _ in range(total):
            parts[rng.randrange(len(parts))] += 1
    return parts


def test_no_small_count_can_be_derived_over_many_random_groups(settings):
    rng = random.Random(5)
    for _ in range(1200):
        limit = rng.choice([3, 5, 10])  # below 3, "fewer than" names the count itself
        settings.SMALL_COUNT_THRESHOLD = limit
        first = random_parts(rng, limit)
        breakdowns = [first, *(random_parts(rng, limit, sum(first)) for _ in range(rng.choice([0, 0, 1, 2])))]
        total, *seen = protect(sum(first), *breakdowns)
        check(limit, total, sum(first), breakdowns, seen)


def test_no_small_count_can_be_derived_when_parts_may_count_someone_twice(settings):
    rng = random.Random(6)
    for _ in range(1200):
        limit = rng.choice([3, 5, 10])  # below 3, "fewer than" names the count itself
        settings.SMALL_COUNT_THRESHOLD = limit
        parts = random_parts(rng, limit)
        total = max(parts) + rng.randint(0, sum(parts) - max(parts))  # people at several events
        seen_total, seen = protect(total, parts, exact_sum=False)
        check(limit, seen_total, total, [parts], [seen], exact_sum=False)


# The whole summary: every total/breakdown group of every page is protected (the reader who also
# subtracts across pages is in tests/security/test_dashboard_disclosure.py).


def groups(summary: dict) -> list[tuple[dict, list[list[dict]]]]:
    """Each page's total/breakdown groups that are shown (a breakdown left out is not a group)."""
    if summary["small_group"]:
        return []
    citations = summary["citations"]
    blocks = [block for block in (citations["by_status"], citations["by_kind"], summary["outcomes"]) if block]
    found = [(citations["total"], [list(block.values()) for block in blocks])] if blocks else []
    for window in ("next_7_days", "next_30_days"):
        block = summary["deadlines"][window]
        if block["answer"] is not None:
            found.append((block["total"], [[cell for key, cell in block.items() if key != "total"]]))
    return found


def possible_values(total: object, breakdowns: list[list], limit: int, cap: int) -> list[list]:
    """Brute force: every value each suppressed cell could hold, reading "fewer than" as 1 to
    limit-1 and "withheld" as limit or more (no knowledge of how the withheld cells were chosen)."""

    def span(cell: object) -> range:
        return range(1, limit) if cell == "<" else range(limit, cap + 1) if cell == "w" else range(cell, cell + 1)

    totals = set(span(total))
    for parts in breakdowns:
        totals &= sums([span(c) for c in parts], cap)
    out = []
    for parts in breakdowns:
        rows = []
        for j, cell in enumerate(parts):
            rest = sums([span(c) for i, c in enumerate(parts) if i != j], cap)
            rows.append({v for v in span(cell) for t in totals if t - v in rest} if cell in ("<", "w") else None)
        out.append(rows)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_no_count_in_the_summary_can_be_derived_by_subtraction(db, seed):
    rng = random.Random(seed)
    events = [EventFactory() for _ in range(rng.randint(1, 4))]
    people = [DemonstratorFactory() for _ in range(rng.randint(3, 25))]
    for person in people:
        for event in rng.sample(events, k=rng.randint(1, len(events))):
            case = CaseFactory(event=event, demonstrator=person)
            for _ in range(rng.choice([0, 1, 1, 2])):
                CitationFactory(
                    case=case,
                    kind=rng.choice(CitationKind.values[:3]),
                    status=rng.choice(CitationStatus.values[:3]),
                    disposition=rng.choice(Disposition.values[:3]),
                    issued_at=timezone.now() - datetime.timedelta(days=rng.randint(0, 12)),
                )
            if rng.random() < 0.3:
                ArrestFactory(case=case)
    sync_citation_deadlines(list(Citation.objects.all()))  # deadlines due in the next 7 and 30 days
    for summary in [dashboard_summary(), *(dashboard_summary(event=event) for event in events)]:
        for total, breakdowns in groups(summary):
            seen_total, seen = shown([total])[0], [shown(parts) for parts in breakdowns]
            for cells, values in zip(seen, possible_values(seen_total, seen, 5, cap=120), strict=True):
                for cell, possible in zip(cells, values, strict=True):
                    if cell == "<":
                        assert len(possible) >= 2, (seen_total, seen)
                if seen_total not in ("<", "w"):
                    assert len([c for c in cells if c in ("<", "w")]) != 1, (seen_total, seen)


def test_the_page_says_withheld_for_a_withheld_count(client_for, organizer):
    event = EventFactory()
    for status, n in (("issued", 5), ("answered", 2)):  # total 7: 5 would give the 2 away
        for _ in range(n):
            CitationFactory(case=CaseFactory(event=event), status=status)
    summary = dashboard_summary(event=event)
    assert summary["citations"]["total"]["value"] == 7
    assert shown([summary["citations"]["by_status"][s] for s in ("issued", "answered")]) == ["w", "<"]
    page = client_for(organizer).get(f"/citations/dashboard/?event={event.public_id}").content.decode()
    assert "withheld" in page
    page = client_for(organizer).get(f"/citations/dashboard/?event={event.public_id}", HTTP_ACCEPT_LANGUAGE="es")
    assert "reservado" in page.content.decode()


def test_an_event_page_withholds_the_people_count_the_overall_page_withholds(db):
    """Overall 14 people arrested, 10 at one event and 4 at the other: the overall page withholds
    the 10 (14 - 10 would give the 4 away). The event's own page must not print the 10 either."""
    big, small = EventFactory(), EventFactory()
    for _ in range(10):
        ArrestFactory(case=CaseFactory(event=big))
    for i in range(5):
        case = CaseFactory(event=small)
        if i < 4:
            ArrestFactory(case=case)
    overall = dashboard_summary()
    rows = {row["public_id"]: row for row in overall["events"]}
    assert overall["people"]["arrested"]["value"] == 14
    assert shown([rows[str(big.public_id)]["arrested"], rows[str(small.public_id)]["arrested"]]) == ["w", "<"]
    assert shown([dashboard_summary(event=big)["people"]["arrested"]]) == ["w"]
    assert shown([dashboard_summary(event=small)["people"]["arrested"]]) == ["<"]
    assert dashboard_summary(event=EventFactory())["people"]["people"] == count_cell(0)  # no cases at all
