"""The civil-claim clock (42 U.S.C. § 1983, 42 Pa.C.S. § 5524: two years) for everyone hurt:
every person affected at an incident where force was used gets a deadline from the incident's
local day, complaint or not; a complaint without an incident asks for the day force was used and
never counts from the day it was entered. Shown as days left as well as the date."""

from __future__ import annotations

import datetime

import pytest

from cases.models import Case, ForceType
from citations.deadlines import civil_claim_clocks
from citations.models import Deadline, DeadlineKind
from tests.citations.conftest import local
from tests.factories import CaseFactory, ComplaintFactory, IncidentFactory

pytestmark = pytest.mark.django_db
d = datetime.date


def two_years(day: datetime.date) -> datetime.date:
    """The oracle: the same day two years later (29 February: 28 February)."""
    try:
        return day.replace(year=day.year + 2)
    except ValueError:
        return day.replace(year=day.year + 2, day=28)


def test_everyone_hurt_gets_a_clock_without_a_complaint(phl_event, observer, clock):
    clock(2026, 7, 10, 9)
    hurt, also_hurt, only_there = (CaseFactory(event=phl_event) for _ in range(3))
    force = IncidentFactory(event=phl_event, reporter=observer, occurred_at=local(2026, 7, 4, 23, 30))
    force.people_affected.add(hurt, also_hurt)
    force.force_types.add(ForceType.objects.order_by("id").first())
    calm = IncidentFactory(event=phl_event, reporter=observer, occurred_at=local(2026, 7, 5, 12))
    calm.people_affected.add(only_there)  # no force recorded: no clock
    clocks = civil_claim_clocks(case_ids=[hurt.pk, also_hurt.pk, only_there.pk])
    assert {c.case_id for c in clocks} == {hurt.pk, also_hurt.pk}
    assert all(c.due_on == two_years(d(2026, 7, 4)) for c in clocks)  # the local day, not UTC's 5 July
    assert clocks[0].days_left(d(2026, 7, 10)) == (d(2028, 7, 4) - d(2026, 7, 10)).days
    assert civil_claim_clocks(case_ids=[hurt.pk], incident_ids=[force.pk])[0].rule.code == "pa-civil-claim-1983"
    assert civil_claim_clocks(case_ids=[only_there.pk], incident_ids=[calm.pk]) == []


def test_a_leap_day_incident_is_due_on_28_february(phl_event, observer, clock):
    clock(2028, 3, 1, 9)
    case = CaseFactory(event=phl_event)
    incident = IncidentFactory(event=phl_event, reporter=observer, occurred_at=local(2028, 2, 29, 20))
    incident.people_affected.add(case)
    incident.force_types.add(ForceType.objects.order_by("id").first())
    assert civil_claim_clocks(case_ids=[case.pk], incident_ids=[incident.pk])[0].due_on == two_years(d(2028, 2, 29))


def test_a_complaint_without_an_incident_asks_for_the_day_and_never_uses_today(phl_event, client_for, lawyer, clock):
    clock(2026, 9, 1, 9)  # the complaint is entered months after the force
    case = CaseFactory(event=phl_event, lawyers=[lawyer])
    complaint = ComplaintFactory(case=case, forum="civil_suit")
    assert not Deadline.objects.filter(complaint=complaint, kind=DeadlineKind.CIVIL_CLAIM).exists()
    client = client_for(lawyer)
    page = client.get(f"/desk/cases/{case.public_id}/").content.decode()
    assert "give the day force was used" in page
    client.post(f"/desk/complaints/{complaint.public_id}/force-date/", {"force_used_on": "2026-03-14"})
    claim = Deadline.objects.get(complaint=complaint, kind=DeadlineKind.CIVIL_CLAIM)
    assert claim.due_on == two_years(d(2026, 3, 14))
    assert (
        client.post(f"/desk/complaints/{complaint.public_id}/force-date/", {"force_used_on": "2027-01-01"}).status_code
        == 302
    )
    assert Deadline.objects.get(pk=claim.pk).due_on == d(2028, 3, 14)  # a future day is refused


def test_the_case_page_shows_the_clock_with_days_left(phl_event, observer, client_for, lawyer, clock):
    clock(2026, 7, 10, 9)
    case = CaseFactory(event=phl_event, lawyers=[lawyer])
    incident = IncidentFactory(event=phl_event, reporter=observer, occurred_at=local(2026, 7, 4, 15))
    incident.people_affected.add(case)
    incident.force_types.add(ForceType.objects.order_by("id").first())
    page = client_for(lawyer).get(f"/desk/cases/{Case.objects.get(pk=case.pk).public_id}/").content.decode()
    days = (d(2028, 7, 4) - d(2026, 7, 10)).days
    assert "bring a civil claim by Tue 4 Jul 2028" in page and f"({days} days left)" in page
    assert "rule not checked by a lawyer" in page
