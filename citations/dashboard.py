"""The organizer's dashboard: aggregates only, never a row about a person.

`dashboard_summary(event=None, today=None)` returns a plain, JSON-ready dict (the API serves it
as is; the dashboard page renders it). It runs a fixed number of SQL queries whatever the data
size (seven, overall or for one event; tests pin it), all of them GROUP BY / aggregate queries:
people with the per-event rows (one grouped pass over the cases), citation groups, money and
deadlines per event (every page needs every event's, see below), force types per day, officers,
units. Deadlines are counted from the
`citations.Deadline` rows the deadline rules make (business-day rolls, complaint deadlines
included), which is one query of its own. The aggregates run at once on a few threads, each
thread with its own connection (`run_together`, `DASHBOARD_QUERY_THREADS`, default 4, also the
most connections a request opens; 1 runs them one after another), so the request costs about its
slowest query, not their sum; overall, the three incident aggregates (force, officers, units) run
in a second round, once the people query has said which events are small (`_aggregates`). Each
reads no more rows than it needs (the
functions' docstrings say how; docs/performance.md, "Dashboard", has the measurements).

Small-count suppression (settings.SMALL_COUNT_THRESHOLD, default 5). Every count is a *cell*:

    {"value": 12, "display": "12", "suppressed": False}
    {"value": None, "display": "fewer than 5", "suppressed": True}   # 1 <= n < threshold
    {"value": None, "display": "withheld", "suppressed": True}       # n >= threshold, see below
    None                                                             # a breakdown not shown at all

Zero is shown as 0. Money amounts are cells too, with the value as a string of exact cents
("125.00") and a display ("$125.00"); an amount is suppressed when fewer than `threshold`
citations contribute to it. Rows in lists (force types per day, officers, units, events) keep
their labels and carry cells for their counts.

Small groups: an event with fewer people than the threshold (`_is_small`) shows "fewer than N"
people and nothing else (`small_group`), and is left out of every overall figure but its own
head count in the events list (the overall page minus the other events would otherwise be its
figures). A total below the threshold gets no breakdown (`None` cells).

Complementary suppression across pages: every page is cut from the same protected tables
(`citations.disclosure.LinkedTable`): each counted event's and the overall citations, outcomes and
deadline counts, with each total tied to its breakdowns and each overall count to the same count
per event; money likewise (overall = sum of the events'). More cells are "withheld" until a
reader who collects every page and subtracts along every sum, again and again, can pin no
suppressed count to one value. The people counts (people may be at several events, so the events'
counts only add up to at least the overall one) go through `complementary_suppression`, and an
event's page shows its row of that group, so a count withheld overall is withheld there too.

Known limits: the force, officer and unit counts (police conduct, from incident reports) are
suppressed per cell and small events are left out of them overall, but they are not protected
against subtraction across pages; inequalities between blocks (7-day counts at most the 30-day
ones, people cited at most people) are not used by the modelled reader; ranges are narrowed, not
only exact values (a "fewer than 5" may be shown to be 3 or 4).

Officers are public employees acting in public: their name, badge, unit and agency may appear.

Sections from the apps above (`register_section`): an app this one may not import (claims, with
the findings per allegation) adds a block of its own. Its query runs with the seven above (one
more query per section) and turns its rows into cells given the counted events (small events
left out), with the suppression of this module and `citations.disclosure`; a small group's page
shows no section.
"""

from __future__ import annotations

import datetime
import functools
import queue
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from cases.models import Arrest, Case, Event, Incident, IncidentOfficer, Officer, Payer
from citations.disclosure import HIDDEN, SHOWN, LinkedTable
from citations.disclosure import WITHHELD as WITHHELD_STATE
from citations.models import (
    Citation,
    CitationKind,
    CitationStatus,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    Disposition,
    Payment,
    PaymentKind,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DashboardSection:
    """A block an app above this one adds to the summary: `query()` returns its rows (aggregates
    only, read in one query, run with the others), `cells(rows, event, counted)` the JSON-ready
    block for the page of `event` (None: overall), given the ids of the counted events."""

    query: Callable[[], Any]
    cells: Callable[[Any, Event | None, list[int]], Any]


SECTIONS: dict[str, DashboardSection] = {}


def register_section(name: str, section: DashboardSection) -> None:
    """Add a section (from an app's `AppConfig.ready()`); its block appears under `name`."""
    SECTIONS[name] = section


# Decisions after which nothing is owed (money already paid on them is owed back).
CLEARED = (Disposition.DISMISSED, Disposition.WITHDRAWN, Disposition.WAIVED, Disposition.NOT_GUILTY)
TOP_OFFICERS = 10
TOP_UNITS = 10


def threshold() -> int:
    return int(getattr(settings, "SMALL_COUNT_THRESHOLD", 5))


def count_cell(n: int | None) -> dict[str, Any]:
    """A count, suppressed when 0 < n < threshold."""
    n = int(n or 0)
    limit = threshold()
    if 0 < n < limit:
        return {"value": None, "display": f"fewer than {limit}", "suppressed": True}
    return {"value": n, "display": str(n), "suppressed": False}


WITHHELD = "withheld"


def withheld_cell() -> dict[str, Any]:
    """A count at or above the threshold, withheld so that a small one cannot be worked out."""
    return {"value": None, "display": WITHHELD, "suppressed": True}


INF = float("inf")


def _bounds(cell: dict[str, Any], limit: int) -> tuple[float, float]:
    """What a reader knows of a cell: its value if shown; 1 to limit-1 if "fewer than"; at least
    `limit` if withheld."""
    if not cell["suppressed"]:
        return cell["value"], cell["value"]
    return (limit, INF) if cell["display"] == WITHHELD else (1, limit - 1)


def _part_bounds(parts: list[dict[str, Any]], limit: int) -> list[tuple[float, float]]:
    """What a reader knows of each part of one breakdown: `_bounds`, and, since the rule is
    public, that a withheld part was the smallest part still shown when it was withheld (ties:
    the first), so it is at most each part shown now, and below each shown part before it."""
    shown = [(i, cell["value"]) for i, cell in enumerate(parts) if not cell["suppressed"] and cell["value"]]
    bounds = []
    for j, cell in enumerate(parts):
        low, high = _bounds(cell, limit)
        if cell["suppressed"] and cell["display"] == WITHHELD:
            high = min([high, *(value - 1 if i < j else value for i, value in shown)])
        bounds.append((low, high))
    return bounds


def _total_range(total: dict[str, Any], breakdowns: list[list[dict[str, Any]]], limit: int) -> tuple[float, float]:
    """The totals a reader can tell are possible: its own display, narrowed by each breakdown."""
    least, most = _bounds(total, limit)
    for parts in breakdowns:
        bounds = _part_bounds(parts, limit)
        least, most = max(least, sum(b[0] for b in bounds)), min(most, sum(b[1] for b in bounds))
    return least, most


def _exposed(total: tuple[float, float], parts: list[dict[str, Any]], limit: int, *, exact_sum: bool) -> bool:
    """Whether a reader can work out a suppressed part exactly from the possible totals, the parts
    shown and what each suppressed part's display says of it (interval arithmetic over
    total = sum(parts); or, when the parts may count someone twice, sum(parts) >= total with each
    part <= total)."""
    bounds = _part_bounds(parts, limit)
    for j, cell in enumerate(parts):
        if not cell["suppressed"]:
            continue
        others = bounds[:j] + bounds[j + 1 :]
        low, high = bounds[j]
        least = max(low, total[0] - sum(b[1] for b in others))
        most = min(high, total[1] - sum(b[0] for b in others) if exact_sum else total[1])
        if least >= most:  # one possible value (or none: inconsistent with the display; be safe)
            return True
    return False


def complementary_suppression(
    total: dict[str, Any], breakdowns: list[list[dict[str, Any]]], *, exact_sum: bool = True
) -> tuple[dict[str, Any], list[list[dict[str, Any]]]]:
    """Protect one total and its breakdowns (each a list of count cells adding up to the total)
    against subtraction. Returns new cells; the arguments are not changed.

    Per-cell suppression alone lets a reader subtract: total 7, one part 5, the other "fewer than 5"
    must be 2. While some suppressed part can be worked out exactly (see `_exposed`; a total
    shared by several breakdowns is narrowed by all of them), withhold the smallest part still
    shown (ties: the first) of the breakdown that gives it away, as a withheld cell; when that
    breakdown has none left, withhold the total if it is shown, else the smallest part shown in
    another breakdown. Zero parts are never chosen (they would protect nothing). `exact_sum=False`
    is for parts that may count one person more than once (people per event against people
    overall): they add up to at least the total, each at most the total."""
    limit = threshold()
    breakdowns = [list(parts) for parts in breakdowns]
    if not exact_sum and total["suppressed"]:
        return total, breakdowns  # every part is at most the total: all suppressed or zero
    while True:
        possible = _total_range(total, breakdowns, limit) if exact_sum else _bounds(total, limit)
        exposed = [parts for parts in breakdowns if _exposed(possible, parts, limit, exact_sum=exact_sum)]
        if not exposed:
            return total, breakdowns
        candidates = [parts for parts in exposed if _shown(parts)]
        if not candidates and not total["suppressed"]:
            total = withheld_cell()
            continue
        candidates = candidates or [parts for parts in breakdowns if _shown(parts)]
        if not candidates:
            return total, breakdowns  # nothing left to withhold (see the module's known limits)
        parts = candidates[0]
        parts[min(_shown(parts), key=lambda i: parts[i]["value"])] = withheld_cell()


def _shown(parts: list[dict[str, Any]]) -> list[int]:
    return [i for i, cell in enumerate(parts) if not cell["suppressed"] and cell["value"]]


def money_cell(amount: Decimal | None, contributors: int) -> dict[str, Any]:
    """An amount of money, suppressed when fewer than `threshold` citations make it up."""
    amount = (amount or ZERO).quantize(Decimal("0.01"))
    limit = threshold()
    if 0 < contributors < limit:
        return {"value": None, "display": f"fewer than {limit} citations", "suppressed": True}
    return {"value": str(amount), "display": f"${amount:,.2f}", "suppressed": False}


def _people_and_events(cases: Any) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """People, people cited and people arrested, overall and per event, from one pass over the
    cases: each case is probed once for a citation and once for an arrest (the expensive part),
    the probed rows are materialised, and both aggregates read them: per event (a person has at
    most one case per event, `case_one_per_person_per_event`, so counting cases counts people)
    and overall, where a person with cases at several events counts once (COUNT DISTINCT).
    Overall counts leave out events with fewer people than the threshold (`_is_small`): nothing
    about them may be worked out by subtracting the other events from the overall figures.
    Returns the overall counts and the per-event rows (newest event first), all plain ints."""
    has_citation = Exists(Citation.objects.filter(case=OuterRef("pk")))
    has_arrest = Exists(Arrest.objects.filter(case=OuterRef("pk")))
    probed = cases.order_by().values(
        p_event=F("event_id"), p_person=F("demonstrator_id"), p_cited=has_citation, p_arrested=has_arrest
    )
    inner, params = probed.query.get_compiler(using=probed.db).as_sql()
    event = Event._meta.db_table
    # Identifiers come from the models and the compiled queryset; every value is a parameter. The
    # probed cases are materialised once and read by both aggregates (without MATERIALIZED,
    # PostgreSQL would inline the CTE and probe every case twice).
    sql = f"""WITH p AS MATERIALIZED ({inner}),
        per_event AS (SELECT p.p_event AS event_id, COUNT(*) AS n FROM p GROUP BY p.p_event),
        overall AS (
            SELECT COUNT(DISTINCT p.p_person) AS all_people,
                   COUNT(DISTINCT CASE WHEN p.p_cited THEN p.p_person END) AS all_cited,
                   COUNT(DISTINCT CASE WHEN p.p_arrested THEN p.p_person END) AS all_arrested
            FROM p INNER JOIN per_event ON per_event.event_id = p.p_event
            WHERE per_event.n >= %s
        )
        SELECT e.id, e.public_id, e.name, e.starts_at,
               COUNT(*) AS people,
               COUNT(CASE WHEN p.p_cited THEN 1 END) AS cited,
               COUNT(CASE WHEN p.p_arrested THEN 1 END) AS arrested,
               o.all_people, o.all_cited, o.all_arrested
        FROM p
        INNER JOIN {event} e ON e.id = p.p_event
        CROSS JOIN overall o
        GROUP BY e.id, e.public_id, e.name, e.starts_at, o.all_people, o.all_cited, o.all_arrested
        ORDER BY e.starts_at DESC, e.name
    """  # noqa: S608  # nosec B608
    overall = dict.fromkeys(("people", "cited", "arrested"), 0)  # no cases: no rows
    rows = []
    for row in Event.objects.raw(sql, [*params, threshold()]):
        overall = {key: getattr(row, f"all_{key}") or 0 for key in overall}
        rows.append(
            {
                "id": row.id,
                "public_id": str(row.public_id),
                "name": row.name,
                "starts_at": row.starts_at.isoformat(),
                # the counts are the raw query's own columns, not the model's
                **{key: getattr(row, key) for key in ("people", "cited", "arrested")},
            }
        )
    return overall, rows


def _is_small(people: int) -> bool:
    """An event with people, but fewer than the threshold: its page shows "fewer than N" people and
    nothing else, and the overall figures leave it out."""
    return 0 < people < threshold()


def _small_events(rows: list[dict[str, Any]]) -> list[int]:
    """The ids of the events `_is_small` picks, from `_people_and_events`' rows (for the incident
    aggregates, which leave them out overall)."""
    return [row["id"] for row in rows if _is_small(row["people"])]


def citation_group_rows(citations: Any) -> Any:
    """The one query behind `_citation_groups`: citations per event, status, kind and
    disposition, with the amount assessed (tests/test_query_plans.py pins its plan)."""
    return citations.values("case__event_id", "status", "kind", "disposition").annotate(
        n=Count("*"),
        assessed=Coalesce(Sum(F("fine") + F("costs")), Value(ZERO), output_field=DecimalField()),
    )


def _citation_groups(citations: Any) -> dict[int, dict[str, Any]]:
    """Per event: citations by status, by kind and by disposition, and the amount assessed on
    open ones (with how many citations make it up): one grouped query over the citations joined to
    their cases (each page is protected together with every other, so every page needs every
    event's groups)."""
    events: dict[int, dict[str, Any]] = {}
    for row in citation_group_rows(citations):
        groups = events.setdefault(
            row["case__event_id"],
            {"status": defaultdict(int), "kind": defaultdict(int), "disposition": defaultdict(int),
             "open_assessed": ZERO, "open_count": 0},
        )  # fmt: skip
        groups["status"][row["status"]] += row["n"]
        groups["kind"][row["kind"]] += row["n"]
        groups["disposition"][row["disposition"]] += row["n"]
        if row["disposition"] not in CLEARED:
            groups["open_assessed"] += row["assessed"]
            groups["open_count"] += row["n"]
    return events


def _labels() -> dict[str, dict[str, str]]:
    return {
        "status": {value: str(label) for value, label in CitationStatus.choices},
        "kind": {value: str(label) for value, label in CitationKind.choices},
        "disposition": {value: str(label) for value, label in Disposition.choices},
    }


def _money_totals(payments: Any) -> dict[int, dict[str, Any]]:
    """The payment sums and counts behind `_money`, per event: one query.

    Whether a payment's citation is cleared is asked of the few cleared citations (a subquery
    that PostgreSQL hashes once, found through their disposition index) rather than by joining
    every payment to its citation, which made it read every citation."""
    is_payment = Q(kind=PaymentKind.PAYMENT)
    is_refund = Q(kind=PaymentKind.REFUND)
    cleared = Q(citation__in=Citation.objects.filter(disposition__in=CLEARED).values("pk"))
    dec = DecimalField(max_digits=14, decimal_places=2)

    def total(condition: Q) -> Any:
        return Coalesce(Sum("amount", filter=condition), Value(ZERO), output_field=dec)

    def how_many(condition: Q) -> Count:
        return Count("citation_id", filter=condition, distinct=True)

    return {
        row.pop("event_id"): row
        for row in payments.values(event_id=F("citation__case__event_id")).annotate(
            paid=total(is_payment),
            paid_n=how_many(is_payment),
            bail=total(is_payment & Q(payer=Payer.BAIL_FUND)),
            bail_n=how_many(is_payment & Q(payer=Payer.BAIL_FUND)),
            refunded=total(is_refund),
            refunded_n=how_many(is_refund),
            cleared_paid=total(is_payment & cleared),
            cleared_refunded=total(is_refund & cleared),
            cleared_n=how_many(cleared),
            open_paid=total(is_payment & ~cleared),
            open_refunded=total(is_refund & ~cleared),
        )
    }


MONEY_KEYS = ("fines_owed", "paid", "paid_by_bail_fund", "refunded", "refunds_owed")
NO_PAYMENTS = dict.fromkeys(
    ("paid", "bail", "refunded", "cleared_paid", "cleared_refunded", "open_paid", "open_refunded"), ZERO
) | dict.fromkeys(("paid_n", "bail_n", "refunded_n", "cleared_n"), 0)


def _money(row: dict[str, Any], open_assessed: Decimal, open_count: int) -> dict[str, tuple[Decimal, int]]:
    """One event's fines owed, paid, paid by the bail fund, refunded and refunds owed, each with
    how many citations make it up, from `_money_totals` and `_citation_groups`."""
    owed = max(open_assessed - (row["open_paid"] - row["open_refunded"]), ZERO)
    refunds_owed = max(row["cleared_paid"] - row["cleared_refunded"], ZERO)
    return {
        "fines_owed": (owed, open_count),
        "paid": (row["paid"], row["paid_n"]),
        "paid_by_bail_fund": (row["bail"], row["bail_n"]),
        "refunded": (row["refunded"], row["refunded_n"]),
        "refunds_owed": (refunds_owed, row["cleared_n"]),
    }


ANSWER_KINDS = (DeadlineKind.RESPOND, DeadlineKind.PAY_OR_DISPUTE)
KIND_GROUPS = {
    "answer": ANSWER_KINDS,
    "hearing": (DeadlineKind.APPEAR,),
    "appeal": (DeadlineKind.APPEAL,),
    "claim": (DeadlineKind.CIVIL_CLAIM, DeadlineKind.OVERSIGHT_COMPLAINT),
}


WINDOWS = {"next_7_days": 7, "next_30_days": 30}
PAST = {"missed_answers": ANSWER_KINDS, "past_hearings_without_outcome": (DeadlineKind.APPEAR,)}


def _deadlines(deadlines: Any, today: datetime.date) -> dict[int, dict[str, Any]]:
    """Per event: open deadlines (citations.Deadline rows) whose last day is today through today+7
    and today+30 (inclusive), by kind group, and those already past with nothing recorded: one
    query.

    Every deadline counted is open or missed, due by today+30 and of a kind in `KIND_GROUPS`, so
    the query reads only those (on PostgreSQL through the deadlines' (status, due_on) index,
    joined to their cases for the event) and counts them per event and kind, three counts a kind;
    the kinds are summed into their groups here."""
    by_event: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
    for row in deadline_rows(deadlines, today):
        by_event[row["case__event_id"]][row["kind"]] = row

    def count(by_kind: dict[str, dict[str, int]], kinds: tuple[str, ...], key: str) -> int:
        return sum(by_kind[kind][key] for kind in kinds if kind in by_kind)

    return {
        event_id: {
            **{
                window: {group: count(by_kind, kinds, f"within_{days}") for group, kinds in KIND_GROUPS.items()}
                for window, days in WINDOWS.items()
            },
            **{name: count(by_kind, kinds, "past") for name, kinds in PAST.items()},
        }
        for event_id, by_kind in by_event.items()
    }


def deadline_rows(deadlines: Any, today: datetime.date) -> Any:
    """The one query behind `_deadlines`: the deadlines that can count, per event and kind, with
    their three counts (tests/test_query_plans.py pins its plan)."""
    last = today + datetime.timedelta(days=30)
    is_open = Q(status=DeadlineStatus.OPEN, due_on__gte=today)
    return (
        deadlines.filter(
            kind__in=[kind for kinds in KIND_GROUPS.values() for kind in kinds],
            status__in=[DeadlineStatus.OPEN, DeadlineStatus.MISSED],
            due_on__lte=last,
        )
        .order_by()
        .values("case__event_id", "kind")
        .annotate(
            within_7=Count("kind", filter=is_open & Q(due_on__lte=today + datetime.timedelta(days=7))),
            within_30=Count("kind", filter=is_open),
            past=Count("kind", filter=Q(due_on__lt=today)),
        )
    )


def _force_over_time(event: Event | None, small: list[int]) -> list[dict[str, Any]]:
    """Incidents per local day and force type, grouped on the stored `occurred_on` date: one query.
    `small`: the small events' ids, left out overall (`_small_events`)."""
    through = Incident.force_types.through.objects.all()
    if event is not None:
        through = through.filter(incident__event=event)
    elif small:
        through = through.exclude(incident__event_id__in=small)
    rows = (
        through.values("incident__occurred_on", "forcetype__code", "forcetype__label")
        # Each (incident, force type) pair is stored once: no DISTINCT needed.
        .annotate(n=Count("incident_id"))
        .order_by("incident__occurred_on", "forcetype__code")
    )
    return [
        {
            "date": row["incident__occurred_on"].isoformat() if row["incident__occurred_on"] else None,
            "force_type": row["forcetype__code"],
            "label": row["forcetype__label"],
            "incidents": count_cell(row["n"]),
        }
        for row in rows
    ]


def _officers(event: Event | None, small: list[int]) -> list[dict[str, Any]]:
    """Officers named in most incidents: one query.

    An officer may have several sightings in one incident (a merged record keeps its own), so
    incidents are counted DISTINCT. Only the sightings in scope are joined and
    counted (the filter comes before the count, so the count sees them alone): one event's, or
    overall those outside the small events (`small`, their ids), picked by one uncorrelated
    subquery over the incidents that is evaluated once; with no small event, every sighting,
    read without touching the incidents at all (on SQLite, joining every sighting to its incident
    for its event was most of the dashboard's time). (A correlated count per officer with that
    exclusion inside it made PostgreSQL scan every incident once per officer.)"""
    named = Officer.objects.exclude(badge_number="", name="")
    if event is not None:
        in_scope = named.filter(sightings__incident__event=event)
    elif small:
        in_scope = named.filter(sightings__incident__in=Incident.objects.exclude(event_id__in=small))
    else:
        in_scope = named
    officers = in_scope.annotate(n=Count("sightings__incident", distinct=True))
    officer_rows = officers.order_by("-n", "agency", "badge_number", "name").values(
        "public_id", "name", "badge_number", "badge_status", "unit", "agency", "n"
    )[:TOP_OFFICERS]
    return [
        {
            "public_id": str(row["public_id"]),
            "name": row["name"],
            "badge_number": row["badge_number"],
            "badge_status": row["badge_status"],
            "unit": row["unit"],
            "agency": row["agency"],
            "incidents": count_cell(row["n"]),
        }
        for row in officer_rows
        if row["n"]
    ]


def _units(event: Event | None, small: list[int]) -> list[dict[str, Any]]:
    """Units named in most incidents: one query (a unit's officers may share an incident, so
    incidents are counted DISTINCT). `small`: as for `_officers`."""
    sightings = IncidentOfficer.objects.all()
    if event is not None:
        sightings = sightings.filter(incident__event=event)
    elif small:
        sightings = sightings.exclude(incident__event_id__in=small)
    unit_rows = (
        sightings.exclude(officer__unit="")
        .values("officer__agency", "officer__unit")
        .annotate(n=Count("incident_id", distinct=True))
        .order_by("-n", "officer__agency", "officer__unit")[:TOP_UNITS]
    )
    return [
        {"agency": row["officer__agency"], "unit": row["officer__unit"], "incidents": count_cell(row["n"])}
        for row in unit_rows
    ]


ALL = "all"  # the overall scope's key in the linked tables
CITATION_BLOCKS = {"by_status": "status", "by_kind": "kind", "outcomes": "disposition"}


def _choices() -> dict[str, list[str]]:
    return {"status": CitationStatus.values, "kind": CitationKind.values, "disposition": Disposition.values}


def _count_tables(
    counted: list[int], citation_groups: dict[int, dict[str, Any]], deadline_counts: dict[int, dict[str, Any]]
) -> LinkedTable:
    """Every count of the citations and deadlines blocks, for every counted event and overall, in
    one linked table: each total with its breakdowns (per page), and each overall count with the
    same count per event (across pages). A total below the threshold gets no breakdown at all."""
    table = LinkedTable(limit=threshold(), withheld_floor=threshold())
    choices = _choices()

    def figures(event_id: int) -> dict[tuple, int]:
        groups = citation_groups.get(event_id)
        out: dict[tuple, int] = {("cit", "total"): sum(groups["status"].values()) if groups else 0}
        for field_name, values in choices.items():
            for value in values:
                out[("cit", field_name, value)] = groups[field_name].get(value, 0) if groups else 0
        counts = deadline_counts.get(event_id, {})
        for window in WINDOWS:
            parts = counts.get(window, dict.fromkeys(KIND_GROUPS, 0))
            out[("dl", window, "total")] = sum(parts.values())
            out.update({("dl", window, group): n for group, n in parts.items()})
        out.update({("dl", name): counts.get(name, 0) for name in PAST})
        return out

    per_scope: dict[int | str, dict[tuple[Any, ...], int]] = {event_id: figures(event_id) for event_id in counted}
    per_scope[ALL] = {key: sum(per_scope[e][key] for e in counted) for key in figures(0)}
    for scope, values in per_scope.items():
        for key, value in values.items():
            table.cell((scope, *key), value)
        for field_name, options in choices.items():
            parts = [(scope, "cit", field_name, value) for value in options]
            table.add_sum((scope, "cit", "total"), parts, breakdown=(scope, "cit", field_name))
        for window in WINDOWS:
            parts = [(scope, "dl", window, group) for group in KIND_GROUPS]
            table.add_sum((scope, "dl", window, "total"), parts, breakdown=(scope, "dl", window))
        for total in (("cit", "total"), *(("dl", window, "total") for window in WINDOWS)):
            if 0 < values[total] < threshold():  # fewer than N: the total alone, no breakdown
                for group in table.sums:
                    if group.total == (scope, *total):
                        table.hide(group.breakdown)
    if counted:
        for key in per_scope[ALL]:
            table.add_sum((ALL, *key), [(event_id, *key) for event_id in counted])
    table.protect()
    return table


def _money_table(counted: list[int], money: dict[Any, dict[str, tuple[Decimal, int]]]) -> LinkedTable:
    """Every money figure, for every counted event and overall (`ALL`: the sums of the events'), in cents:
    an amount fewer than N citations make up is hidden, and more are withheld until none of those
    can be worked out by subtracting across pages."""
    table = LinkedTable(limit=threshold(), withheld_floor=0)
    for scope in [*counted, ALL]:
        for key, (amount, n) in money[scope].items():
            small = 0 < n < threshold()
            table.cell((scope, key), int(amount * 100), state=HIDDEN if small else SHOWN, sensitive=small)
    if counted:
        for key in MONEY_KEYS:
            table.add_sum((ALL, key), [(event_id, key) for event_id in counted])
    table.protect()
    return table


def _cell(table: LinkedTable, key: tuple) -> dict[str, Any] | None:
    """What a page prints for one count of a linked table (None: part of a breakdown not shown)."""
    if key not in table.values:
        return count_cell(0)  # an event with no cases: nothing to count
    state = table.state[key]
    if state == HIDDEN:
        return None
    return withheld_cell() if state == WITHHELD_STATE else count_cell(table.values[key])


def _money_shown(table: LinkedTable, key: tuple, money: dict[str, tuple[Decimal, int]]) -> dict[str, Any]:
    if key not in table.values:
        return money_cell(ZERO, 0)
    if table.state[key] == WITHHELD_STATE:
        return withheld_cell()
    amount, n = money[key[1]]
    return money_cell(amount, n)


def _blocks(scope: Any, counts: LinkedTable, money_table: LinkedTable, money: dict, today: datetime.date) -> dict:
    """The citations, outcomes, deadlines and money blocks of one page, read from the linked tables."""
    choices = _choices()

    def breakdown(field_name: str) -> dict[str, Any] | None:
        if counts.hidden((scope, "cit", field_name)) and (scope, "cit", "total") in counts.values:
            return None
        return {value: _cell(counts, (scope, "cit", field_name, value)) for value in choices[field_name]}

    def window(name: str) -> dict[str, Any]:
        return {
            "total": _cell(counts, (scope, "dl", name, "total")),
            **{group: _cell(counts, (scope, "dl", name, group)) for group in KIND_GROUPS},
        }

    return {
        "citations": {
            "total": _cell(counts, (scope, "cit", "total")),
            "by_status": breakdown("status"),
            "by_kind": breakdown("kind"),
        },
        "outcomes": breakdown("disposition"),
        "deadlines": {
            "as_of": today.isoformat(),
            **{name: window(name) for name in WINDOWS},
            **{name: _cell(counts, (scope, "dl", name)) for name in PAST},
        },
        "money": {key: _money_shown(money_table, (scope, key), money) for key in MONEY_KEYS},
    }


def _people_cells(
    people: dict[str, int], event_rows: list[dict[str, Any]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The people counts overall and per event as cells, each people count protected with the
    same count per counted event (a person may have cases at several events, so the parts add up
    to at least the total). An event's own page shows that event's row from here, so a count
    withheld overall is withheld there too. A small event's row has its people count alone
    ("fewer than N"): who of them was cited or arrested is shown nowhere."""
    overall = {key: count_cell(n) for key, n in people.items()}
    counted = [row for row in event_rows if not _is_small(row["people"])]
    cells: dict[int, dict[str, Any]] = {row["id"]: {key: count_cell(row[key]) for key in people} for row in counted}
    if counted:
        for key in overall:
            overall[key], (parts,) = complementary_suppression(
                overall[key], [[cells[row["id"]][key] for row in counted]], exact_sum=False
            )
            for row, cell in zip(counted, parts, strict=True):
                cells[row["id"]][key] = cell
    for row in event_rows:
        if _is_small(row["people"]):
            cells[row["id"]] = {"people": count_cell(row["people"]), "cited": None, "arrested": None}
    rows = [{"public_id": row["public_id"], "name": row["name"], "starts_at": row["starts_at"], **cells[row["id"]]}
            for row in event_rows]  # fmt: skip
    return overall, rows


def query_threads() -> int:
    return max(1, int(getattr(settings, "DASHBOARD_QUERY_THREADS", 4)))


def run_together(tasks: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run the dashboard's independent aggregates at once on up to `DASHBOARD_QUERY_THREADS`
    threads, each with its own database connection, so a request costs about its slowest query
    rather than the sum of all of them.

    Each thread takes the next aggregate not yet started until none is left, on one connection
    that it closes when done: a request opens at most that many connections, not one per
    aggregate (each new PostgreSQL connection costs a server process and cold catalog caches).
    They run one after another instead when `DASHBOARD_QUERY_THREADS` is 1, or inside a
    transaction (other connections could not see its rows: tests, ATOMIC_REQUESTS). Each thread
    works in the caller's language and time zone."""
    if query_threads() == 1 or connection.in_atomic_block or len(tasks) < 2:
        return {name: task() for name, task in tasks.items()}
    language, zone = translation.get_language(), timezone.get_current_timezone()
    pending: queue.SimpleQueue[tuple[str, Callable[[], Any]]] = queue.SimpleQueue()
    for item in tasks.items():
        pending.put(item)

    def work() -> dict[str, Any]:
        done: dict[str, Any] = {}
        try:
            with translation.override(language), timezone.override(zone):
                while True:
                    try:
                        name, task = pending.get_nowait()
                    except queue.Empty:
                        return done
                    done[name] = task()
        finally:
            connections.close_all()  # this thread's connections only

    threads = min(query_threads(), len(tasks))
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="dashboard") as pool:
        workers = [pool.submit(work) for _ in range(threads)]
        results: dict[str, Any] = {}
        for worker in workers:
            results.update(worker.result())
    return {name: results[name] for name in tasks}


def _aggregates(event: Event | None, today: datetime.date) -> dict[str, Any]:
    """Every aggregate query's answer, run together (`run_together`). The incident aggregates of
    the overall page leave the small events out, so they run once the people query has said
    which events are small (as literal ids: with none, they read no incident row for its event);
    they run together with the other aggregates on an event's page, which needs no such list."""
    incidents: dict[str, Callable[[list[int]], Any]] = {
        "officers": lambda small: _officers(event, small),
        "units": lambda small: _units(event, small),
        "force": lambda small: _force_over_time(event, small),
    }
    first: dict[str, Callable[[], Any]] = {
        "people": lambda: _people_and_events(Case.objects.all()),
        "citations": lambda: _citation_groups(Citation.objects.all()),
        "deadlines": lambda: _deadlines(Deadline.objects.all(), today),
        "money": lambda: _money_totals(Payment.objects.all()),
        **{f"section:{name}": section.query for name, section in SECTIONS.items()},
    }
    if event is not None:
        return run_together({**first, **{name: functools.partial(task, []) for name, task in incidents.items()}})
    done = run_together(first)
    small = _small_events(done["people"][1])
    return {**done, **run_together({name: functools.partial(task, small) for name, task in incidents.items()})}


def dashboard_summary(*, event: Event | None = None, today: datetime.date | None = None) -> dict[str, Any]:
    """Aggregates for one event, or overall when `event` is None. No personal data, ever.

    Every page is cut from the same protected tables (every counted event and the overall figures
    at once), so a count withheld on one page is withheld on every page that shows it, and no
    subtraction across pages gives a small count away. An event with fewer people than the
    threshold shows "fewer than N" people and nothing else."""
    today = today or timezone.localdate()
    done = _aggregates(event, today)
    people, rows = done["people"]
    people_cells, event_cells = _people_cells(people, rows)
    scope: Any = ALL
    summary: dict[str, Any] = {
        "scope": {
            "event": {"public_id": str(event.public_id), "name": event.name} if event is not None else None,
            "today": today.isoformat(),
            "threshold": threshold(),
        },
        "small_group": False,
        "labels": _labels(),
    }
    if event is not None:
        mine = next((row for row in rows if row["id"] == event.pk), None)
        if mine is not None and _is_small(mine["people"]):
            return {**summary, "small_group": True, "people": {"people": count_cell(mine["people"]), "cited": None, "arrested": None},
                    "citations": None, "outcomes": None, "deadlines": None, "money": None,
                    "force_over_time": [], "officers": [], "units": [], "events": [],
                    **dict.fromkeys(SECTIONS)}  # fmt: skip
        shown = next((row for row in event_cells if row["public_id"] == str(event.public_id)), None)
        people_cells = {key: shown[key] if shown else count_cell(0) for key in people_cells}
        scope = event.pk
    counted = [row["id"] for row in rows if not _is_small(row["people"])]
    citation_groups = done["citations"]
    money = {
        event_id: _money(
            done["money"].get(event_id, NO_PAYMENTS),
            citation_groups[event_id]["open_assessed"] if event_id in citation_groups else ZERO,
            citation_groups[event_id]["open_count"] if event_id in citation_groups else 0,
        )
        for event_id in counted
    }
    money[ALL] = {
        key: (sum((money[e][key][0] for e in counted), ZERO), sum(money[e][key][1] for e in counted))
        for key in MONEY_KEYS
    }
    counts = _count_tables(counted, citation_groups, done["deadlines"])
    money_table = _money_table(counted, money)
    return {
        **summary,
        "people": people_cells,
        **_blocks(scope, counts, money_table, money.get(scope, {}), today),
        "force_over_time": done["force"],
        "officers": done["officers"],
        "units": done["units"],
        "events": [] if event is not None else event_cells,
        **{name: section.cells(done[f"section:{name}"], event, counted) for name, section in SECTIONS.items()},
    }
