"""Disclosure control over linked tables: which counts a set of pages may print so that a reader
who collects every number from every page, and subtracts along every sum the pages imply, can pin
no protected count to one value.

A `LinkedTable` holds cells (a true value and what a reader is shown of it) and the sums that tie
them (a total and its parts: a breakdown on one page, or an overall figure and the same figure per
event on the others). What a reader knows of a cell:

    shown       its value
    small       1 to limit-1 ("fewer than 5")
    withheld    at least `withheld_floor` (counts: the threshold, as only counts at or above it
                are withheld; money: 0)
    hidden      anything from 0 (a breakdown left out)

`protect()` runs the reader's own attack: interval propagation over every sum, repeated until
nothing narrows (total minus the other parts' bounds, parts added up, through chains of sums
across pages). While a sensitive cell (a small count, or a suppressed amount) comes out with one
possible value, it withholds a shown count near it (`_unpin`: the smallest whose withholding frees
it, looking outwards through the cells that give it away) and, when nothing shown is left near it,
hides the breakdown it belongs to. Withholding only ever adds uncertainty, so the loop ends.

Limits: only sums are modelled (not that a 7-day count is at most the 30-day one, or that people
cited are at most people); the reader is not assumed to reason about which cell the rule would
have picked (the single-group `citations.dashboard.complementary_suppression`, used for the people
counts, does assume that); a cell's range may be narrowed without being pinned (a "fewer than 5"
may be shown to be 3 or 4).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

SHOWN, SMALL, WITHHELD, HIDDEN = "shown", "small", "withheld", "hidden"
INF = float("inf")
MAX_ROUNDS = 500  # propagation over non-negative sums settles in a few rounds; a safety net


@dataclass
class Sum:
    total: Hashable
    parts: list[Hashable]
    breakdown: Hashable | None = None  # what to hide when nothing is left to withhold (a page's breakdown)


@dataclass
class LinkedTable:
    limit: int
    withheld_floor: int
    values: dict[Hashable, int] = field(default_factory=dict)
    state: dict[Hashable, str] = field(default_factory=dict)
    sensitive: set[Hashable] = field(default_factory=set)
    sums: list[Sum] = field(default_factory=list)

    def cell(self, key: Hashable, value: int, *, state: str | None = None, sensitive: bool | None = None) -> None:
        """Add a count (or an amount in cents). By default a count below the limit is small and
        sensitive, and every other one shown."""
        small = 0 < value < self.limit
        self.values[key] = value
        self.state[key] = state or (SMALL if small else SHOWN)
        if sensitive if sensitive is not None else small:
            self.sensitive.add(key)

    def add_sum(self, total: Hashable, parts: Iterable[Hashable], breakdown: Hashable | None = None) -> None:
        self.sums.append(Sum(total, list(parts), breakdown))

    def hide(self, breakdown: Hashable) -> None:
        for group in self.sums:
            if group.breakdown == breakdown:
                for key in group.parts:
                    self.state[key] = HIDDEN

    def hidden(self, breakdown: Hashable) -> bool:
        return any(
            group.breakdown == breakdown and all(self.state[key] == HIDDEN for key in group.parts)
            for group in self.sums
        )

    # What a reader can tell.

    def _known(self, key: Hashable) -> tuple[float, float]:
        state, value = self.state[key], self.values[key]
        if state == SHOWN:
            return value, value
        if state == SMALL:
            return 1, self.limit - 1
        if state == HIDDEN:
            return 0, INF
        return self.withheld_floor, INF

    def bounds(self) -> dict[Hashable, tuple[float, float]]:
        """Each cell's range as the reader narrows it along every sum, to a fixed point."""
        known = {key: self._known(key) for key in self.values}
        for _ in range(MAX_ROUNDS):
            changed = False
            for group in self.sums:
                for key, (low, high) in self._through(group, known).items():
                    merged = (max(known[key][0], low), min(known[key][1], high))
                    if merged != known[key]:
                        known[key] = merged
                        changed = True
            if not changed or any(low > high for low, high in known.values()):
                break  # settled, or the displays contradict each other (every such cell counts as pinned)
        return known

    @staticmethod
    def _through(group: Sum, known: dict[Hashable, tuple[float, float]]) -> dict[Hashable, tuple[float, float]]:
        """What one sum tells of each of its cells, given the others' ranges: the total lies between
        the parts' sums; each part is the total minus the others (at least, at most)."""
        lows = [known[k][0] for k in group.parts]
        highs = [known[k][1] for k in group.parts]
        low_sum = sum(lows)
        unbounded = sum(1 for h in highs if h == INF)
        finite_high_sum = sum(h for h in highs if h != INF)
        total_low, total_high = known[group.total]
        out = {group.total: (low_sum, INF if unbounded else finite_high_sum)}
        for key, low, high in zip(group.parts, lows, highs, strict=True):
            others_unbounded = unbounded - (1 if high == INF else 0)
            others_high = INF if others_unbounded else finite_high_sum - (0 if high == INF else high)
            floor = total_low - others_high if others_high != INF else -INF
            ceiling = total_high - (low_sum - low)
            previous = out.get(key, (-INF, INF))  # a cell may appear twice in no sum, but be safe
            out[key] = (max(previous[0], floor), min(previous[1], ceiling))
        return out

    def exposed(self) -> tuple[list[Hashable], dict[Hashable, tuple[float, float]]]:
        known = self.bounds()
        return [key for key in self.values if key in self.sensitive and self.state[key] != SHOWN
                and known[key][0] >= known[key][1]], known  # fmt: skip

    # Protecting.

    def _groups_of(self, key: Hashable) -> list[Sum]:
        return [g for g in self.sums if key == g.total or key in g.parts]

    def _pinned(self, key: Hashable, known: dict[Hashable, tuple[float, float]]) -> bool:
        return known[key][0] >= known[key][1]

    def _withhold(self, key: Hashable) -> None:
        self.state[key] = WITHHELD

    def _unpin(self, key: Hashable, known: dict[Hashable, tuple[float, float]]) -> bool:
        """Withhold one shown count so that `key` can no longer be pinned: the smallest in a sum
        around it whose withholding frees it; failing that, in the sums around the unshown cells
        that still give it away (a withheld count a reader can work out is no better than shown),
        and so on outwards. When none frees it alone, withhold the first candidate found and let
        the caller look again; with no shown count anywhere near, hide the cell's breakdown."""
        seen = {key}
        frontier = [key]
        fallback: Hashable | None = None
        while frontier:
            candidates: list[Hashable] = []
            channels: list[Hashable] = []
            for cell in frontier:
                for group in self._groups_of(cell):
                    for other in (*group.parts, group.total):
                        if other in seen:
                            continue
                        seen.add(other)
                        if self.state[other] == SHOWN:
                            if self.values[other]:
                                candidates.append(other)
                        elif self._pinned(other, known):
                            channels.append(other)
            candidates.sort(key=lambda other: self.values[other])
            for other in candidates:
                self._withhold(other)
                if not self._pinned(key, self.bounds()):
                    return True
                self.state[other] = SHOWN
            fallback = fallback or (candidates[0] if candidates else None)
            frontier = channels
        if fallback is not None:
            self._withhold(fallback)
            return True
        breakdown = next(
            (g.breakdown for g in self._groups_of(key) if g.breakdown is not None and not self.hidden(g.breakdown)),
            None,
        )  # fmt: skip
        if breakdown is None:
            return False
        self.hide(breakdown)
        return True

    def protect(self) -> list[Hashable]:
        """Withhold and hide until no sensitive cell can be pinned. Returns the cells that could
        not be protected (none unless every sum around them is already suppressed)."""
        given_up: list[Hashable] = []
        while True:
            exposed, known = self.exposed()
            if not [key for key in exposed if key not in given_up]:
                return exposed  # still pinned: nothing left around them to withhold or hide
            exposed = [key for key in exposed if key not in given_up]
            if not self._unpin(exposed[0], known):
                given_up.append(exposed[0])
