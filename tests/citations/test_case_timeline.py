"""One case timeline (citations.selectors.case_timeline) on the desk's case page and in the case
packet: the same entries, in the same order, at the event's local time whatever the server's
time zone."""

from __future__ import annotations

import datetime
import html
import re
from zoneinfo import ZoneInfo

import pytest

from cases.models import WitnessStatement
from citations.models import Disposition
from documents.context import case_packet_context
from tests.factories import (
    ArrestFactory,
    CaseFactory,
    CitationFactory,
    ComplaintFactory,
    EventFactory,
    IncidentFactory,
    PaymentFactory,
)

pytestmark = pytest.mark.django_db

LOS_ANGELES = ZoneInfo("America/Los_Angeles")
LINE = re.compile(r'<li><time datetime="[^"]*">([^<]*)</time>([^<]*)</li>')


@pytest.fixture
def west_coast_case(lawyer, observer, settings):  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "America/New_York"  # the server's zone is not the event's
    event = EventFactory(time_zone="America/Los_Angeles", jurisdiction="OTHER")
    case = CaseFactory(event=event, lawyers=[lawyer])
    # 23:30 on 1 May in Los Angeles is 02:30 on 2 May in New York.
    ArrestFactory(case=case, arrested_at=datetime.datetime(2026, 5, 1, 23, 30, tzinfo=LOS_ANGELES), place="5th & Main")
    citation = CitationFactory(
        case=case, number="LA-77", issued_at=datetime.datetime(2026, 5, 2, 0, 10, tzinfo=LOS_ANGELES),
        disposition=Disposition.GUILTY, decided_on=datetime.date(2026, 6, 1),
    )  # fmt: skip
    PaymentFactory(citation=citation, paid_on=datetime.date(2026, 6, 2))
    incident = IncidentFactory(
        event=event, reporter=observer, place="Pershing Square",
        occurred_at=datetime.datetime(2026, 5, 1, 22, 45, tzinfo=LOS_ANGELES),
    )  # fmt: skip
    incident.people_affected.add(case)
    complaint = ComplaintFactory(case=case)
    complaint.incidents.add(incident)
    WitnessStatement.objects.create(
        case=case, witness_name="Wendy Witness", statement="Seen.",
        taken_at=datetime.datetime(2026, 5, 3, 9, 0, tzinfo=LOS_ANGELES),
    )  # fmt: skip
    return case


def _desk_timeline(page: str) -> list[tuple[str, str]]:
    """(time shown, entry) for each line of the case page's timeline."""
    start = page.index('<ol class="timeline">')
    section = page[start : page.index("</ol>", start)]
    return [(html.unescape(when), html.unescape(what)) for when, what in LINE.findall(section)]


def test_the_desk_page_and_the_packet_show_one_timeline_in_the_events_time_zone(west_coast_case, lawyer, client_for):  # type: ignore[no-untyped-def]
    page = client_for(lawyer).get(f"/desk/cases/{west_coast_case.public_id}/").content.decode()
    desk = _desk_timeline(page)
    packet = case_packet_context(case=west_coast_case, user=lawyer)["timeline"]

    assert [what for _when, what in desk] == [f"{row['kind']}: {row['text']}" for row in packet]
    kinds = [row["kind"] for row in packet]
    assert kinds[:3] == ["Observer report", "Arrest", "Citation"]
    assert {"Payment", "Decision", "Complaint", "Statement"} <= set(kinds)
    # Local times of the event, on both: the arrest on 1 May at 23:30, not 2 May at 02:30.
    arrest = kinds.index("Arrest")
    assert packet[arrest]["at"] == "2026-05-01 23:30 PDT"
    assert desk[arrest] == ("1 May 2026 23:30 PDT", "Arrest: Arrested at 5th & Main")
    decision = kinds.index("Decision")
    assert packet[decision]["at"] == "2026-06-01" and desk[decision][0] == "1 Jun 2026"
