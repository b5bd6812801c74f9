"""Citations made through the services, in an event in Philadelphia's time zone, and a clock
pinned with time-machine (deadlines are never tested by sleeping).

A statewide-track summary citation (`pa_summary`) is made by default at an event elsewhere in
Pennsylvania (same time zone): at a Philadelphia event Pa.R.Crim.P. 1002 governs it instead
(the notice-to-appear track, tests/citations/test_rule_1002.py)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from citations import services
from citations.models import CitationKind
from tests.factories import CaseFactory, EventFactory

PHL = ZoneInfo("America/New_York")


def local(*args: int) -> datetime.datetime:
    """An aware datetime in Philadelphia."""
    return datetime.datetime(*args, tzinfo=PHL)


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    """`clock(2026, 6, 10, 12)` pins now at that Philadelphia time for the rest of the test."""
    travellers = []

    def pin(*args: int):  # type: ignore[no-untyped-def]
        traveller = time_machine.travel(local(*args), tick=False)
        traveller.start()
        travellers.append(traveller)
        return local(*args)

    yield pin
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture
def phl_event(db):  # type: ignore[no-untyped-def]
    return EventFactory(
        name="Encampment", starts_at=local(2026, 6, 1, 14), jurisdiction="PA-PHL", time_zone="America/New_York"
    )


@pytest.fixture
def pa_event(db):  # type: ignore[no-untyped-def]
    """An event in Pennsylvania outside Philadelphia: the statewide rules and courts' calendar."""
    return EventFactory(
        name="Capitol rally", starts_at=local(2026, 6, 1, 14), jurisdiction="PA", time_zone="America/New_York"
    )


@pytest.fixture
def make_citation(db, phl_event, pa_event, coordinator):  # type: ignore[no-untyped-def]
    counter = iter(range(1, 100000))

    def make(kind: str = CitationKind.PA_SUMMARY, issued_at: datetime.datetime | None = None, case=None, **fields):  # type: ignore[no-untyped-def]
        case = case or CaseFactory(event=pa_event if kind == CitationKind.PA_SUMMARY else phl_event)
        fields.setdefault("fine", "50.00")
        return services.citation_create(
            case=case,
            by=coordinator,
            number=f"T-{next(counter):05d}",
            kind=kind,
            offense_code="18 Pa.C.S. § 5502",
            issued_at=issued_at or local(2026, 6, 1, 22, 30),
            **fields,
        )

    return make
