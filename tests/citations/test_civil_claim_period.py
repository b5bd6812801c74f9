"""The civil-claim period is rule data (the `pa-civil-claim-1983` row): the deadline a packet
computes for force not yet under a complaint and the retention hold a complaint puts on its case
both come from it, through `citations.deadlines.civil_claim_deadline`."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from cases.models import Case, ForceType
from cases.retention import purge_holds_for
from citations.models import DeadlineRule
from documents.context import case_packet_context
from tests.factories import CaseFactory, ComplaintFactory, EventFactory, IncidentFactory

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# 23:30 in Philadelphia, already the 11th in UTC: the day is the event's.
INCIDENT_AT = datetime.datetime(2023, 6, 10, 23, 30, tzinfo=NEW_YORK)


def _computed_claim(case: Case, user) -> str:  # type: ignore[no-untyped-def]
    context = case_packet_context(case=case, user=user)
    return next(d["due"] for d in context["deadlines"] if d["label"] == "Bring a civil claim (computed)")


def _hold(case: Case, today: datetime.date) -> list[str]:
    holds = purge_holds_for(Case.objects.filter(pk=case.pk), today=today)
    return [hold.text for hold in holds.get(case.pk, []) if hold.code == "civil_claim_window"]


def test_the_packet_deadline_and_the_retention_hold_follow_the_rule(lawyer, observer):  # type: ignore[no-untyped-def]
    event = EventFactory(time_zone="America/New_York", jurisdiction="PA-PHL")
    force = ForceType.objects.order_by("id").first()
    hurt = CaseFactory(event=event, lawyers=[lawyer])  # force, no complaint yet: the packet computes it
    incident = IncidentFactory(event=event, reporter=observer, occurred_at=INCIDENT_AT)
    incident.people_affected.add(hurt)
    incident.force_types.add(force)
    complained = CaseFactory(event=event)  # a complaint: its case is held for the same period
    ComplaintFactory(case=complained).incidents.add(incident)

    # Two years from 10 June 2023 (event time): 10 June 2025 on the packet and the hold alike (a
    # hold of 730 days ended the day before: 2024 has 366).
    assert _computed_claim(hurt, lawyer) == "2025-06-10"
    assert _hold(complained, datetime.date(2025, 6, 10)) == ["civil-claim window open until 2025-06-10"]
    assert _hold(complained, datetime.date(2025, 6, 11)) == []

    DeadlineRule.objects.filter(code="pa-civil-claim-1983").update(offset=30, offset_unit="months")

    assert _computed_claim(hurt, lawyer) == "2025-12-10"
    assert _hold(complained, datetime.date(2025, 12, 10)) == ["civil-claim window open until 2025-12-10"]
    assert _hold(complained, datetime.date(2025, 12, 11)) == []


def test_without_an_active_rule_there_is_no_computed_claim_and_no_hold(lawyer, observer):  # type: ignore[no-untyped-def]
    event = EventFactory(time_zone="America/New_York", jurisdiction="PA-PHL")
    hurt = CaseFactory(event=event, lawyers=[lawyer])
    incident = IncidentFactory(event=event, reporter=observer, occurred_at=INCIDENT_AT)
    incident.people_affected.add(hurt)
    incident.force_types.add(ForceType.objects.order_by("id").first())
    complained = CaseFactory(event=event)
    ComplaintFactory(case=complained).incidents.add(incident)
    DeadlineRule.objects.filter(code="pa-civil-claim-1983").update(active=False)

    labels = [d["label"] for d in case_packet_context(case=hurt, user=lawyer)["deadlines"]]
    assert "Bring a civil claim (computed)" not in labels
    assert _hold(complained, datetime.date(2025, 1, 1)) == []
