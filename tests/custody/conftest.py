"""Fixtures shared by the custody tests."""

from __future__ import annotations

import pytest

from tests.factories import CaseFactory, DemonstratorFactory, EventFactory


@pytest.fixture
def pair(db):  # type: ignore[no-untyped-def]
    """Two records of one likely person at one event: the same e-mail (another case and spaces),
    a close spelling of the name."""
    event = EventFactory(name="Kettle")
    first = DemonstratorFactory(legal_name="Jon Smith", email="jon@example.org")
    second = DemonstratorFactory(legal_name="John Smith", email="JON@example.org ")
    CaseFactory(event=event, demonstrator=first, number="2026-0201")
    CaseFactory(event=event, demonstrator=second, number="2026-0202")
    return event, first, second
