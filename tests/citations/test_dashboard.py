"""The organizer's dashboard: aggregates only, small counts suppressed, a fixed number of queries."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Arrest, ForceType, IncidentOfficer
from citations.dashboard import count_cell, dashboard_summary, money_cell
from citations.deadlines import sync_citation_deadlines
from citations.models import Citation, Disposition, Payment, PaymentKind
from tests.factories import (
    ArrestFactory,
    CaseFactory,
    CitationFactory,
    DemonstratorFactory,
    EventFactory,
    IncidentFactory,
    OfficerFactory,
    PaymentFactory,
)

TODAY = datetime.date(2026, 6, 15)  # a Monday


@pytest.fixture(autouse=True)
def _on_today(time_machine):  # type: ignore[no-untyped-def]
    """Deadlines already past are marked missed when computed: compute them as of TODAY."""
    from zoneinfo import ZoneInfo

    time_machine.move_to(datetime.datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("America/New_York")), tick=False)


# A statewide-track citation at an event in Pennsylvania outside Philadelphia.
STATEWIDE = {"jurisdiction": "PA", "case__event__jurisdiction": "PA"}


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def values(cells: dict) -> dict:
    return {key: cell["value"] for key, cell in cells.items()}


def test_counts_below_the_threshold_are_suppressed_zero_and_larger_are_shown(settings):
    settings.SMALL_COUNT_THRESHOLD = 5
    assert count_cell(0) == {"value": 0, "display": "0", "suppressed": False}
    assert count_cell(1) == {"value": None, "display": "fewer than 5", "suppressed": True}
    assert count_cell(4)["suppressed"] is True
    assert count_cell(5) == {"value": 5, "display": "5", "suppressed": False}
    settings.SMALL_COUNT_THRESHOLD = 10
    assert count_cell(7)["display"] == "fewer than 10"


def test_money_is_exact_and_suppressed_when_few_citations_make_it_up(settings):
    settings.SMALL_COUNT_THRESHOLD = 5
    assert money_cell(Decimal("1250.5"), 25) == {"value": "1250.50", "display": "$1,250.50", "suppressed": False}
    assert money_cell(Decimal("50"), 1) == {"value": None, "display": "fewer than 5 citations", "suppressed": True}
    assert money_cell(Decimal("0"), 0)["value"] == "0.00"


@pytest.fixture
def scenario(db, settings):
    """Two events; the first has people cited, arrested, paid, cleared; the second a little."""
    settings.SMALL_COUNT_THRESHOLD = 1  # show every number so the arithmetic can be checked
    # March is in Pennsylvania outside Philadelphia, so its statewide-track citations have the
    # 10-day answer (in Philadelphia Rule 1002 governs them); its civil notices and notice to
    # appear are recorded with Philadelphia's jurisdiction (the model's default).
    march = EventFactory(name="March", jurisdiction="PA", starts_at=at(TODAY - datetime.timedelta(days=20)))
    rally = EventFactory(name="Rally", starts_at=at(TODAY - datetime.timedelta(days=2)))
    cases = [CaseFactory(event=march) for _ in range(6)]
    # The same person is cited at both events: counted once overall.
    repeat = CaseFactory(event=rally, demonstrator=cases[0].demonstrator)
    CaseFactory(event=rally)  # neither cited nor arrested
    ArrestFactory(case=cases[0])
    ArrestFactory(case=cases[1])
    ArrestFactory(case=cases[1])
    issued_5_days_ago = at(TODAY - datetime.timedelta(days=5))
    # answer due TODAY+5 (in 7 and 30)
    CitationFactory(case=cases[0], kind="pa_summary", jurisdiction="PA", issued_at=issued_5_days_ago)
    # hearing in 20 days (30 only)
    CitationFactory(
        case=cases[1], kind="phl_summary_nta", status="hearing_scheduled",
        issued_at=issued_5_days_ago, hearing_at=at(TODAY + datetime.timedelta(days=20), 9),
    )  # fmt: skip
    # guilty 25 days ago: appeal due TODAY+5; costs 10 so 60 assessed, 60 paid by the bail fund
    guilty = CitationFactory(
        case=cases[2], kind="pa_summary", jurisdiction="PA", status="decided", response="not_guilty",
        disposition=Disposition.GUILTY, decided_on=TODAY - datetime.timedelta(days=25), costs=Decimal("10.00"),
        issued_at=at(TODAY - datetime.timedelta(days=40)),
    )  # fmt: skip
    PaymentFactory(citation=guilty, amount=Decimal("60.00"), payer="bail_fund")
    # waived after being paid by the person: 50 refund owed, of which 20 already refunded
    waived = CitationFactory(
        case=cases[3], status="closed", response="paid", disposition=Disposition.WAIVED,
        issued_at=at(TODAY - datetime.timedelta(days=30)),
    )  # fmt: skip
    PaymentFactory(citation=waived, amount=Decimal("50.00"), payer="self")
    PaymentFactory(citation=waived, amount=Decimal("20.00"), payer="self", kind=PaymentKind.REFUND)
    # unanswered civil notice issued 12 days ago: a missed answer
    CitationFactory(case=cases[4], kind="phl_cvn", issued_at=at(TODAY - datetime.timedelta(days=12)))
    # partly paid civil notice at the second event
    partly = CitationFactory(case=repeat, kind="phl_cvn", issued_at=at(TODAY - datetime.timedelta(days=1)))
    PaymentFactory(citation=partly, amount=Decimal("15.00"), payer="bail_fund")
    sync_citation_deadlines(list(Citation.objects.all()))  # the deadline rules make the deadlines
    return {"march": march, "rally": rally, "cases": cases}


def test_overall_numbers(scenario):
    summary = dashboard_summary(today=TODAY)
    assert values(summary["people"]) == {"people": 7, "cited": 5, "arrested": 2}
    assert summary["citations"]["total"]["value"] == 6
    by_kind = values(summary["citations"]["by_kind"])
    assert by_kind["pa_summary"] == 2 and by_kind["phl_cvn"] == 3 and by_kind["phl_summary_nta"] == 1
    assert by_kind["traffic"] == 0
    by_status = values(summary["citations"]["by_status"])
    assert by_status["issued"] == 3 and by_status["decided"] == 1 and by_status["closed"] == 1
    outcomes = values(summary["outcomes"])
    assert outcomes["guilty"] == 1 and outcomes["waived"] == 1 and outcomes["pending"] == 4
    money = values(summary["money"])
    # open: 50 + 50 + 60 + 50 + 50 assessed = 260; paid on open 60 + 15 = 75; owed 185
    assert money == {
        "fines_owed": "185.00",
        "paid": "125.00",
        "paid_by_bail_fund": "75.00",
        "refunded": "20.00",
        "refunds_owed": "30.00",
    }
    deadlines = summary["deadlines"]
    # the statewide answer due in 5 days and the appeal due in 5 days
    assert values(deadlines["next_7_days"]) == {"total": 2, "answer": 1, "hearing": 0, "appeal": 1, "claim": 0}
    # plus the partly paid civil notice (issued yesterday, due in 9 days) and the hearing in 20
    assert values(deadlines["next_30_days"]) == {"total": 4, "answer": 2, "hearing": 1, "appeal": 1, "claim": 0}
    assert deadlines["missed_answers"]["value"] == 1
    assert [e["name"] for e in summary["events"]] == ["Rally", "March"]
    assert summary["events"][1]["arrested"]["value"] == 2


def test_per_event_numbers(scenario):
    summary = dashboard_summary(event=scenario["rally"], today=TODAY)
    assert summary["scope"]["event"]["name"] == "Rally"
    assert values(summary["people"]) == {"people": 2, "cited": 1, "arrested": 0}
    assert summary["citations"]["total"]["value"] == 1
    assert values(summary["money"])["paid_by_bail_fund"] == "15.00"
    assert values(summary["money"])["fines_owed"] == "35.00"
    assert summary["events"] == []


def test_small_counts_are_suppressed_by_default(scenario, settings):
    settings.SMALL_COUNT_THRESHOLD = 5
    march = dashboard_summary(event=scenario["march"], today=TODAY)  # six people
    assert march["people"]["arrested"] == {"value": None, "display": "fewer than 5", "suppressed": True}
    assert march["money"]["paid_by_bail_fund"]["suppressed"] is True
    overall = dashboard_summary(today=TODAY)
    assert overall["people"]["cited"]["value"] == 5
    assert overall["scope"]["threshold"] == 5


def test_an_event_with_fewer_people_than_the_threshold_shows_that_and_nothing_else(scenario, settings):
    """Rally has two people: its page says "fewer than 5" people, and every figure about them is
    left out of the overall page too (it would otherwise be the overall minus March)."""
    settings.SMALL_COUNT_THRESHOLD = 5
    rally = dashboard_summary(event=scenario["rally"], today=TODAY)
    assert rally["small_group"] is True
    assert rally["people"] == {"people": count_cell(2), "cited": None, "arrested": None}
    assert [rally[key] for key in ("citations", "outcomes", "deadlines", "money")] == [None] * 4
    assert rally["force_over_time"] == rally["officers"] == rally["units"] == rally["events"] == []
    overall = dashboard_summary(today=TODAY)
    march = dashboard_summary(event=scenario["march"], today=TODAY)
    for block in ("citations", "outcomes", "deadlines", "money"):
        assert overall[block] == march[block]  # March alone: the overall figures are its own
    rows = {row["name"]: row for row in overall["events"]}
    assert rows["Rally"] == {**rows["Rally"], "people": count_cell(2), "cited": None, "arrested": None}


def test_force_types_are_counted_per_local_day_of_the_event(db, settings):
    settings.SMALL_COUNT_THRESHOLD = 1
    event = EventFactory(time_zone="America/New_York")
    baton = ForceType.objects.get(code="baton")
    spray = ForceType.objects.get(code="oc_spray")
    # 02:30 UTC on 16 June is 22:30 on 15 June in Philadelphia.
    late = IncidentFactory(event=event, occurred_at=datetime.datetime(2026, 6, 16, 2, 30, tzinfo=datetime.UTC))
    noon = IncidentFactory(event=event, occurred_at=datetime.datetime(2026, 6, 16, 16, 0, tzinfo=datetime.UTC))
    late.force_types.set([baton, spray])
    noon.force_types.set([baton])
    rows = dashboard_summary(event=event)["force_over_time"]
    assert [(r["date"], r["force_type"], r["incidents"]["value"]) for r in rows] == [
        ("2026-06-15", "baton", 1),
        ("2026-06-15", "oc_spray", 1),
        ("2026-06-16", "baton", 1),
    ]


def test_officers_and_units_named_in_most_incidents(db, settings):
    settings.SMALL_COUNT_THRESHOLD = 1
    event = EventFactory()
    often = OfficerFactory(name="Ofc. Often", badge_number="4242", unit="Bike Unit")
    once = OfficerFactory(name="Ofc. Once", badge_number="1111", unit="SWAT")
    for i in range(3):
        incident = IncidentFactory(event=event)
        IncidentOfficer.objects.create(incident=incident, officer=often)
        if i == 0:
            IncidentOfficer.objects.create(incident=incident, officer=once)
    summary = dashboard_summary(event=event)
    assert [(o["name"], o["badge_number"], o["unit"], o["incidents"]["value"]) for o in summary["officers"]] == [
        ("Ofc. Often", "4242", "Bike Unit", 3),
        ("Ofc. Once", "1111", "SWAT", 1),
    ]
    assert [(u["unit"], u["incidents"]["value"]) for u in summary["units"]] == [("Bike Unit", 3), ("SWAT", 1)]


def _grow(n: int) -> None:
    event = EventFactory()
    officer = OfficerFactory()
    forces = list(ForceType.objects.all()[:2])
    for i in range(n):
        case = CaseFactory(event=event)
        citation = CitationFactory(case=case, issued_at=timezone.now() - datetime.timedelta(days=i % 20))
        Payment.objects.create(citation=citation, amount=Decimal("5.00"), paid_on=TODAY)
        Arrest.objects.create(case=case, arrested_at=timezone.now())
        incident = IncidentFactory(event=event, occurred_at=timezone.now() - datetime.timedelta(days=i % 4))
        incident.force_types.set(forces)
        IncidentOfficer.objects.create(incident=incident, officer=officer)


@pytest.mark.parametrize("rows", [1, 40])
def test_a_fixed_number_of_queries_whatever_the_size(db, rows, django_assert_num_queries):
    _grow(rows)
    event = EventFactory()
    # people with the per-event rows (one grouped pass), citation groups, money, deadlines (the Deadline
    # table), force per day, officers, units, and the findings per allegation (the claims app's section):
    # the same eight for one event
    with django_assert_num_queries(8):
        dashboard_summary()
    with django_assert_num_queries(8):
        dashboard_summary(event=event)


def test_officers_are_counted_in_one_pass_not_once_per_officer(db):
    """Overall, a count per officer with the small-event exclusion inside it made PostgreSQL scan
    every incident once per officer (seconds at full scale): the count is one uncorrelated pass."""
    _grow(3)
    with CaptureQueriesContext(connection) as captured:
        dashboard_summary()
    officers = [q["sql"] for q in captured.captured_queries if '"cases_officer"."badge_number"' in q["sql"]]
    assert len(officers) == 1
    assert '("cases_officer"."id")' not in officers[0], officers[0]  # no subquery run for each officer


def test_with_no_small_event_the_overall_incident_counts_read_no_incident_row(db, settings):
    """Overall, the small events' incidents are left out; with none, the force, officer and unit
    counts need no incident's event, so they do not join the incidents at all (joining every
    sighting to its incident was most of the dashboard's time at full scale)."""
    settings.SMALL_COUNT_THRESHOLD = 1
    _grow(3)
    with CaptureQueriesContext(connection) as captured:
        summary = dashboard_summary()
    incident_queries = [
        q["sql"] for q in captured.captured_queries
        if '"cases_officer"."badge_number"' in q["sql"] or '"officer__unit"' in q["sql"] or '"forcetype__code"' in q["sql"]
    ]  # fmt: skip
    assert len(incident_queries) == 3
    assert not [sql for sql in incident_queries if '"cases_incident"."event_id"' in sql], incident_queries
    assert summary["officers"][0]["incidents"] == count_cell(3)
    assert summary["units"][0]["incidents"] == count_cell(3)
    assert sum(row["incidents"]["value"] for row in summary["force_over_time"]) == 6


def test_the_summary_holds_no_personal_data(scenario):
    person = DemonstratorFactory(legal_name="Zelda Quintessa", phone="215-555-7777", email="zq@example.org")
    CitationFactory(case=CaseFactory(demonstrator=person, event=scenario["march"]))
    blob = json.dumps([dashboard_summary(today=TODAY), dashboard_summary(event=scenario["march"], today=TODAY)])
    for case in scenario["cases"]:
        assert case.demonstrator.legal_name not in blob
        assert case.demonstrator.phone not in blob
        assert case.number not in blob
        assert str(case.public_id) not in blob
    for secret in ("Zelda", "Quintessa", "555-7777", "zq@example.org"):
        assert secret not in blob


def test_the_summary_is_plain_json(scenario):
    summary = dashboard_summary(today=TODAY)
    assert json.loads(json.dumps(summary)) == summary


def test_deadline_window_edges_are_inclusive_in_local_time(db, settings):
    """Statewide answers are due 10 days after issue (local date), rolled to a business day
    (citations outside Philadelphia: there Rule 1002 governs them)."""
    settings.SMALL_COUNT_THRESHOLD = 1
    local = lambda day, h, m: timezone.make_aware(datetime.datetime.combine(day, datetime.time(h, m)))  # noqa: E731
    june = lambda d: datetime.date(2026, 6, d)  # noqa: E731
    CitationFactory(
        kind="pa_summary", issued_at=local(june(12), 23, 59), **STATEWIDE
    )  # Fri late: due Mon 22 = TODAY+7, in
    CitationFactory(
        kind="pa_summary", issued_at=local(june(13), 0, 1), **STATEWIDE
    )  # Sat: due Tue 23 = TODAY+8, out of 7
    CitationFactory(kind="pa_summary", issued_at=local(june(5), 12, 0), **STATEWIDE)  # due Mon 15 = TODAY, in
    CitationFactory(kind="pa_summary", issued_at=local(june(2), 12, 0), **STATEWIDE)  # due Fri 12: missed
    sync_citation_deadlines(list(Citation.objects.all()))
    deadlines = dashboard_summary(today=TODAY)["deadlines"]
    assert deadlines["next_7_days"]["answer"]["value"] == 2
    assert deadlines["next_30_days"]["answer"]["value"] == 3
    assert deadlines["missed_answers"]["value"] == 1


def test_a_small_event_s_incidents_are_left_out_of_the_overall_force_officers_and_units(db, settings):
    settings.SMALL_COUNT_THRESHOLD = 5
    big, tiny = EventFactory(), EventFactory()
    for _ in range(5):
        CaseFactory(event=big)
    CaseFactory(event=tiny)
    baton = ForceType.objects.get(code="baton")
    officer = OfficerFactory(name="Ofc. Tiny", badge_number="7777", unit="Tiny Unit")
    for event in [big] * 5 + [tiny] * 2:
        incident = IncidentFactory(event=event, occurred_at=at(TODAY))
        incident.force_types.set([baton])
        if event == tiny:
            IncidentOfficer.objects.create(incident=incident, officer=officer)
    overall = dashboard_summary()
    assert [row["incidents"] for row in overall["force_over_time"]] == [count_cell(5)]  # the big event's alone
    assert overall["officers"] == [] and overall["units"] == []
